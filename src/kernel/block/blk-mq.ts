import type { Actor } from '../../core/actor.js';
import { frame, inFrame, kfunc } from '../../core/frames.js';
import { atomic, type Op, type Program, type Provider, run, type SimObject } from '../../core/op.js';
import type { Obligation } from '../../sync/atomic-counter.js';
import type { Kernel } from '../boot.js';
import type { Kcx } from '../sched.js';

/** include/linux/blk_types.h: struct bio, reduced to its completion. */
export class bio {
  bi_status = 0;

  constructor(
    /** What the bio carries, for the interleaving listing (`4096-byte write at 8192`). */
    readonly what: string,
    readonly bi_end_io: (cx: Kcx, bio: bio) => Program<void>,
    readonly bi_private: unknown,
    /** The obligation the bio's completion carries forward (the dio's inode_dio_end). */
    readonly owes: Obligation | null,
  ) {}
}

/**
 * A block device and its completion interrupt. Submitted bios are in flight until the device
 * completes one; which in-flight bio completes next is a nondeterministic choice of the schedule.
 * Completion runs in hardirq context (the device's interrupt actor).
 */
export class BlockDevice implements SimObject {
  readonly oid: number;
  readonly inflight: bio[] = [];
  readonly irq: Actor;

  constructor(
    k: Kernel,
    readonly name: string,
  ) {
    this.oid = k.world.oid();
    this.irq = k.world.spawn('irq', `hardirq/${name}`, 0, (actor) => blk_mq_irq(k.cx(actor, null), this));
  }

  /** The device's interrupt completes any bio in flight. */
  providers(): Provider[] {
    return [{ actor: this.irq, how: `complete a bio on ${this.name}` }];
  }
}

/** block/blk-core.c: submit_bio. The bio is in flight until the device completes it. */
export function submit_bio(_cx: Kcx, b: bio, bdev: BlockDevice): Program<void> {
  return run(
    atomic(
      `submit_bio(${b.what})`,
      [bdev],
      () => {
        bdev.inflight.push(b);
        b.owes?.at(bdev.irq, `waits for its bio to complete on ${bdev.name} (in hardirq)`);
      },
      () => `${bdev.inflight.length} bio(s) in flight on ${bdev.name}`,
    ),
  );
}

/** The device's interrupt: waits (idle) until a bio is in flight, then completes the chosen one. */
function takeCompletion(bdev: BlockDevice): Op<bio> {
  let taken: bio | null = null;
  return {
    label: `${bdev.name}: I/O completion interrupt`,
    touches: [bdev],
    wait: {
      state: 'S',
      object: bdev,
      until: `a bio in flight on ${bdev.name}`,
      wokenBy: 'a submitted bio',
      idle: true,
      sleepFrames: [],
    },
    get alternatives() {
      return Math.max(1, bdev.inflight.length);
    },
    enabled: () => bdev.inflight.length > 0,
    perform: (alt) => {
      taken = bdev.inflight.splice(alt, 1)[0]!;
      return taken;
    },
    note: () => `completes ${taken?.what ?? '?'}`,
  };
}

const IRQ_FRAMES = [
  frame('arch/x86/kernel/irq.c', 'common_interrupt'),
  frame('kernel/irq/handle.c', 'handle_irq_event'),
  frame('drivers/nvme/host/pci.c', 'nvme_irq'),
];

function* blk_mq_irq(cx: Kcx, bdev: BlockDevice): Program<void> {
  for (;;) {
    const b = (yield takeCompletion(bdev)) as bio;
    yield* inFrame(
      cx,
      IRQ_FRAMES[0]!,
      inFrame(cx, IRQ_FRAMES[1]!, inFrame(cx, IRQ_FRAMES[2]!, blk_mq_end_request(cx, b))),
    );
  }
}

/** block/blk-mq.c: blk_mq_end_request, reduced to ending the request's bio. */
export const blk_mq_end_request = kfunc('block/blk-mq.c', function* blk_mq_end_request(cx: Kcx, b: bio) {
  yield* bio_endio(cx, b);
});

/** block/bio.c: bio_endio. Calls the bio's ->bi_end_io. */
export const bio_endio = kfunc('block/bio.c', function* bio_endio(cx: Kcx, b: bio) {
  yield* b.bi_end_io(cx, b);
});
