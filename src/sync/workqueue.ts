import type { Actor } from '../core/actor.js';
import { type Cx, frame, inFrame } from '../core/frames.js';
import { atomic, type Program, type Provider, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';
import { wait_for_work } from './wait.js';

/** A work item (struct work_struct); `func` runs in a kworker's context. */
export interface WorkStruct<C extends Cx = Cx> {
  readonly name: string;
  readonly func: (cx: C) => Program<void>;
}

/**
 * kernel/workqueue.c: a workqueue with its own pool of kworkers, created at setup. Items run in
 * FIFO order; each idle worker can take the next one. Not modelled: concurrency management, the
 * rescuer, per-CPU pools (one pool stands for the CPU that queued the work).
 */
export class Workqueue<C extends Cx = Cx> implements SimObject {
  readonly pending: WorkStruct<C>[] = [];
  readonly workers: Actor[] = [];

  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}

  /** Any idle worker of the pool will run queued work. */
  providers(): Provider[] {
    return this.workers.map((w) => ({ actor: w, how: `run work queued on ${this.name}` }));
  }
}

/**
 * kernel/workqueue.c: alloc_workqueue, with `workers` kworkers spawned now. `makeCx` builds
 * each worker's context for the layer above; `pid` gives each worker a pid.
 */
export function alloc_workqueue<C extends Cx>(
  world: World,
  name: string,
  workers: number,
  pid: (i: number) => number,
  makeCx: (actor: Actor) => C,
): Workqueue<C> {
  const wq = new Workqueue<C>(world.oid(), name);
  for (let i = 0; i < workers; i++) {
    const w = world.spawn('kthread', `kworker/0:${i + 1}`, pid(i), (actor) =>
      worker_thread(makeCx(actor), wq),
    );
    wq.workers.push(w);
  }
  return wq;
}

/** kernel/workqueue.c: queue_work. Returns false if the item was already pending. */
export function queue_work<C extends Cx>(wq: Workqueue<C>, work: WorkStruct<C>): Program<boolean> {
  return run(
    atomic(`queue_work(${wq.name}, ${work.name})`, [wq], () => {
      if (wq.pending.includes(work)) return false;
      wq.pending.push(work);
      return true;
    }),
  );
}

const RET_FROM_FORK = frame('arch/x86/entry/entry_64.S', 'ret_from_fork');
const KTHREAD = frame('kernel/kthread.c', 'kthread');
const WORKER_THREAD = frame('kernel/workqueue.c', 'worker_thread');
const PROCESS_ONE_WORK = frame('kernel/workqueue.c', 'process_one_work');

/** kernel/workqueue.c: worker_thread. Sleeps idle until work is queued, then runs it (process_one_work). */
export function* worker_thread<C extends Cx>(cx: C, wq: Workqueue<C>): Program<void> {
  cx.actor.frames.push(RET_FROM_FORK, KTHREAD, WORKER_THREAD);
  for (;;) {
    const work = yield wait_for_work(
      `worker_thread: take work from ${wq.name}`,
      wq,
      `work on ${wq.name}`,
      () => wq.pending.length > 0,
      () => wq.pending.shift()!,
    );
    yield* inFrame(cx, PROCESS_ONE_WORK, (work as WorkStruct<C>).func(cx));
  }
}
