import type { Actor } from '../../../core/actor.js';
import { kfunc } from '../../../core/frames.js';
import { atomic, type Program, type Provider, run, type SimObject } from '../../../core/op.js';
import { Obligation } from '../../../sync/atomic-counter.js';
import { dept_event_begin, deptClassOf } from '../../../sync/dept-wire.js';
import { EAGAIN, EIOCBQUEUED } from '../../../sync/errno.js';
import { wait_event } from '../../../sync/wait.js';
import { queue_work, type WorkStruct } from '../../../sync/workqueue.js';
import { bio, submit_bio } from '../../block/blk-mq.js';
import type { Kcx } from '../../sched.js';
import { IOCB_DIO_CALLER_COMP, IOCB_NOWAIT, type inode, is_sync_kiocb, type kiocb } from '../fs.js';
import { inode_dio_begin, inode_dio_end } from '../inode.js';

// fs/iomap/direct-io.c: dio->flags.
export const IOMAP_DIO_CALLER_COMP = 1 << 26;
export const IOMAP_DIO_WRITE = 1 << 30;
// fs/iomap/direct-io.c: private dio->flags (IOMAP_DIO_UNWRITTEN shares iomap.h's end_io flag).
export const IOMAP_DIO_UNWRITTEN = 1 << 0;
// include/linux/iomap.h: dio_flags argument of iomap_dio_rw.
export const IOMAP_DIO_FORCE_WAIT = 1 << 0;
export const IOMAP_DIO_OVERWRITE_ONLY = 1 << 1;
// include/linux/iomap.h: iomap_iter flags passed to ->iomap_begin.
export const IOMAP_WRITE = 1 << 0;
export const IOMAP_DIRECT = 1 << 4;
export const IOMAP_NOWAIT = 1 << 5;
export const IOMAP_OVERWRITE_ONLY = 1 << 6;

/**
 * include/linux/iomap.h: struct iomap, reduced to what the dio path reads: the mapping type
 * (IOMAP_HOLE, IOMAP_MAPPED, IOMAP_UNWRITTEN) and IOMAP_F_NEW (blocks allocated by this call).
 */
export interface iomap {
  readonly type: 'hole' | 'mapped' | 'unwritten';
  readonly new: boolean;
}

/** include/linux/iomap.h: struct iomap_ops; ->iomap_begin returns the mapping or a negative errno. */
export interface iomap_ops {
  readonly iomap_begin: (
    cx: Kcx,
    ip: inode,
    pos: number,
    len: number,
    flags: number,
  ) => Program<iomap | number>;
}

/** fs/iomap/direct-io.c: struct iomap_dio. */
export class iomap_dio implements SimObject {
  readonly oid: number;
  readonly name = 'dio';
  flags = 0;
  /** dio->ref: the submission reference plus one per bio in flight. */
  ref = 1;
  wait_for_completion = false;
  /** dio->submit.waiter: the task sleeping in a synchronous dio, until the last bio ends. */
  waiting = false;
  size = 0;
  /** dio->error: set when mapping failed; no bio was submitted. */
  error = 0;
  /** The inode_dio_end this dio owes since inode_dio_begin. */
  readonly owes: Obligation;
  /** Who completes the bio this dio waits for (for the explanation). */
  completer: Provider | null = null;
  /** The task that issued the dio (dio->submit.waiter for a synchronous one). */
  readonly submitter: Actor;

  constructor(
    cx: Kcx,
    readonly iocb: kiocb,
    readonly dops: iomap_dio_ops,
  ) {
    this.oid = cx.world.oid();
    this.submitter = cx.actor;
    this.owes = new Obligation(
      `the direct write at offset ${iocb.ki_pos} of ${iocb.ki_filp.f_inode.name}`,
      'inode_dio_end',
    );
  }

  providers(): Provider[] {
    return this.completer ? [this.completer] : [];
  }
}

/** include/linux/iomap.h: struct iomap_dio_ops, the filesystem's completion hook. */
export interface iomap_dio_ops {
  readonly end_io:
    | ((cx: Kcx, iocb: kiocb, size: number, error: number, flags: number) => Program<number>)
    | null;
}

/**
 * fs/iomap/direct-io.c: iomap_dio_complete. Runs the filesystem's end_io, then inode_dio_end,
 * then advances ki_pos; returns the bytes written.
 */
export const iomap_dio_complete = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_complete(cx: Kcx, dio: iomap_dio) {
    const iocb = dio.iocb;
    let ret = dio.error;
    // dops->end_io: xfs_dio_write_end_io / ext4_dio_write_end_io (unwritten conversion, size update).
    if (dio.dops.end_io) ret = yield* dio.dops.end_io(cx, iocb, dio.size, ret, dio.flags);
    if (ret === 0) ret = dio.size;
    yield* inode_dio_end(cx, iocb.ki_filp.f_inode, dio.owes);
    if (ret > 0) iocb.ki_pos += ret;
    return ret;
  },
);

/** fs/iomap/direct-io.c: iomap_dio_deferred_complete, the ->dio_complete the issuer runs for CALLER_COMP. */
export const iomap_dio_deferred_complete = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_deferred_complete(cx: Kcx, data: unknown) {
    return yield* iomap_dio_complete(cx, data as iomap_dio);
  },
);

/** fs/iomap/direct-io.c: iomap_dio_complete_work, run by a kworker of sb->s_dio_done_wq. */
export const iomap_dio_complete_work = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_complete_work(cx: Kcx, dio: iomap_dio) {
    const iocb = dio.iocb;
    const res = yield* iomap_dio_complete(cx, dio);
    yield* iocb.ki_complete!(cx, iocb, res);
  },
);

/**
 * fs/iomap/direct-io.c: iomap_dio_bio_end_io, in hardirq context. The last reference decides how
 * the dio completes: wake a synchronous waiter; or, with IOMAP_DIO_CALLER_COMP, hand the
 * completion to the issuer through ->ki_complete with ->dio_complete set (i_dio_count stays
 * raised); or queue iomap_dio_complete_work on the superblock's dio workqueue.
 */
export const iomap_dio_bio_end_io = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_bio_end_io(cx: Kcx, b: bio) {
    const dio = b.bi_private as iomap_dio;
    const iocb = dio.iocb;
    const last = yield* run(
      atomic(
        'iomap_dio_bio_end_io: atomic_dec_and_test(&dio->ref)',
        [dio],
        () => --dio.ref === 0,
        () => `dio->ref ${dio.ref + 1} -> ${dio.ref}`,
      ),
    );
    if (!last) return;
    if (dio.wait_for_completion) {
      dio.owes.at(dio.submitter, `runs when ${dio.submitter.label} wakes from blk_io_schedule`);
      yield* run(
        atomic('iomap_dio_bio_end_io: WRITE_ONCE(dio->submit.waiter, NULL); blk_wake_io_task', [dio], () => {
          dio.waiting = false;
        }),
      );
      return;
    }
    if (dio.flags & IOMAP_DIO_CALLER_COMP) {
      iocb.private = dio;
      iocb.dio_complete = iomap_dio_deferred_complete;
      yield* iocb.ki_complete!(cx, iocb, 0);
      return;
    }
    const sb = iocb.ki_filp.f_inode.i_sb;
    const wq = sb.s_dio_done_wq;
    const work: WorkStruct<Kcx> = {
      name: 'iomap_dio_complete_work',
      func: (wcx) => iomap_dio_complete_work(wcx, dio),
    };
    dio.owes.at(wq.workers[0] ?? null, `is queued as iomap_dio_complete_work on ${wq.name}`);
    yield* queue_work(wq, work);
  },
);

/** The result of __iomap_dio_rw: the dio to complete in the caller, or an error / -EIOCBQUEUED. */
export type DioResult = iomap_dio | number;

/**
 * fs/iomap/direct-io.c: iomap_dio_bio_iter, for the one mapping a write covers. Writes that need
 * zeroing (unwritten or newly allocated blocks) or that start at or past EOF cannot complete in
 * the caller: only pure overwrites keep IOMAP_DIO_CALLER_COMP. The sub-block zeroing bios of an
 * unaligned write into new blocks are folded into the write's own bio.
 */
export const iomap_dio_bio_iter = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_bio_iter(cx: Kcx, dio: iomap_dio, map: iomap) {
    const iocb = dio.iocb;
    const inode = iocb.ki_filp.f_inode;
    let need_zeroout = false;
    if (map.type === 'unwritten') {
      dio.flags |= IOMAP_DIO_UNWRITTEN;
      need_zeroout = true;
    }
    if (map.new) need_zeroout = true;
    // We can only do deferred completion for pure overwrites that don't require additional IO
    // at completion.
    const size = yield* run(atomic('iomap_dio_bio_iter: i_size_read', [inode], () => inode.i_size));
    if (need_zeroout || iocb.ki_pos >= size) dio.flags &= ~IOMAP_DIO_CALLER_COMP;
    dio.ref++; // iomap_dio_submit_bio: atomic_inc(&dio->ref) before the bio is visible
    dio.size = iocb.count;
    const bdev = inode.i_sb.s_bdev;
    dio.completer = { actor: bdev.irq, how: `complete the bio on ${bdev.name}` };
    yield* submit_bio(
      cx,
      new bio(`${iocb.count}-byte write at ${iocb.ki_pos}`, iomap_dio_bio_end_io, dio, dio.owes),
      bdev,
    );
  },
);

/**
 * fs/iomap/direct-io.c: __iomap_dio_rw, for writes over a single mapping. Raises i_dio_count
 * (inode_dio_begin), maps the range with the filesystem's ->iomap_begin, submits the bio, and
 * drops the submission reference. An async kiocb then returns -EIOCBQUEUED; a synchronous one
 * (or IOMAP_DIO_FORCE_WAIT) sleeps in D state until the bio ends and returns the dio for the
 * caller to complete. A mapping error also returns the dio: iomap_dio_complete lowers the count.
 */
export const __iomap_dio_rw = kfunc(
  'fs/iomap/direct-io.c',
  function* __iomap_dio_rw(
    cx: Kcx,
    iocb: kiocb,
    ops: iomap_ops,
    dops: iomap_dio_ops,
    dio_flags: number,
  ): Program<DioResult> {
    const inode = iocb.ki_filp.f_inode;
    const wait_for_completion = is_sync_kiocb(iocb) || (dio_flags & IOMAP_DIO_FORCE_WAIT) !== 0;
    const dio = new iomap_dio(cx, iocb, dops);
    let flags = IOMAP_WRITE | IOMAP_DIRECT;
    if (iocb.ki_flags & IOCB_NOWAIT) flags |= IOMAP_NOWAIT;
    dio.flags |= IOMAP_DIO_WRITE;
    // For AIO writes we can complete in the caller if flagged.
    if (iocb.ki_flags & IOCB_DIO_CALLER_COMP) dio.flags |= IOMAP_DIO_CALLER_COMP;
    if (dio_flags & IOMAP_DIO_OVERWRITE_ONLY) {
      const size = yield* run(atomic('__iomap_dio_rw: i_size_read', [inode], () => inode.i_size));
      if (iocb.ki_pos >= size || iocb.ki_pos + iocb.count > size) return -EAGAIN;
      flags |= IOMAP_OVERWRITE_ONLY;
    }

    // DEPT: the i_dio_count event this dio owes. With IOMAP_DIO_CALLER_COMP (still set once the
    // bio is submitted) one task runs inode_dio_end: the issuer's choice, e.g. io_uring's task_work.
    dept_event_begin(cx.world, cx.actor, dio.owes, {
      cls: deptClassOf(inode.i_dio_count),
      s: 'inode_dio_begin',
      e: 'inode_dio_end',
      deliverer: () => (dio.flags & IOMAP_DIO_CALLER_COMP ? (iocb.caller_comp_deliverer?.() ?? null) : null),
    });
    yield* inode_dio_begin(cx, inode, dio.owes);

    // iomap_iter -> ->iomap_begin, for the single mapping the write covers.
    const map = yield* ops.iomap_begin(cx, inode, iocb.ki_pos, iocb.count, flags);
    if (typeof map === 'number') dio.error = map;
    else yield* iomap_dio_bio_iter(cx, dio, map);
    dio.wait_for_completion = wait_for_completion;
    dio.waiting = wait_for_completion;

    const last = yield* run(
      atomic(
        '__iomap_dio_rw: atomic_dec_and_test(&dio->ref)',
        [dio],
        () => --dio.ref === 0,
        () => `dio->ref ${dio.ref + 1} -> ${dio.ref}`,
      ),
    );
    if (!last) {
      if (!wait_for_completion) return -EIOCBQUEUED;
      yield wait_event(cx, {
        object: dio,
        until: 'the bio to complete (dio->submit.waiter == NULL)',
        cond: () => !dio.waiting,
        state: 'D',
        ti: cx.current?.ti ?? null,
        label: '__iomap_dio_rw: blk_io_schedule until the bio completes',
        sleepFrames: ['blk_io_schedule', 'io_schedule', 'schedule', '__schedule'],
      });
    }
    return dio;
  },
);

/** fs/iomap/direct-io.c: iomap_dio_rw. Completes in the caller when __iomap_dio_rw returns the dio. */
export const iomap_dio_rw = kfunc(
  'fs/iomap/direct-io.c',
  function* iomap_dio_rw(
    cx: Kcx,
    iocb: kiocb,
    ops: iomap_ops,
    dops: iomap_dio_ops,
    dio_flags: number,
  ): Program<number> {
    const r = yield* __iomap_dio_rw(cx, iocb, ops, dops, dio_flags);
    if (typeof r === 'number') return r;
    return yield* iomap_dio_complete(cx, r);
  },
);
