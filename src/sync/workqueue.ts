import type { Actor } from '../core/actor.js';
import { type Cx, frame, inFrame } from '../core/frames.js';
import { atomic, guarded, type Program, type Provider, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';
import { type LockClass, type LockCx, lockClass } from './lock-class.js';
import { type LockRef, lockdep_acquire, lockdep_release } from './lockdep-wire.js';
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
  /**
   * Items a worker is running, when the workqueue tracks them for flush_work (`trackRunning`):
   * taking an item marks it, and a step of its own after the item's function returns clears it.
   */
  readonly running = new Map<WorkStruct<C>, Actor>();
  /** Whether workers track running items (off for the built-in kernel model, which never flushes). */
  trackRunning = false;
  /** The world whose lockdep sees each work item's lockdep map, once `track_running_work` ran. */
  world: World | null = null;

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
 * each worker's context for the layer above; `pid` gives each worker a pid, `comm` its name.
 */
export function alloc_workqueue<C extends Cx>(
  world: World,
  name: string,
  workers: number,
  pid: (i: number) => number,
  makeCx: (actor: Actor) => C,
  comm: (i: number) => string = (i) => `kworker/0:${i + 1}`,
): Workqueue<C> {
  const wq = new Workqueue<C>(world.oid(), name);
  for (let i = 0; i < workers; i++) {
    const w = world.spawn('kthread', comm(i), pid(i), (actor) => worker_thread(makeCx(actor), wq));
    wq.workers.push(w);
  }
  return wq;
}

/** kernel/workqueue.c: queue_work. Returns false if the item was already pending. */
export function queue_work<C extends Cx>(wq: Workqueue<C>, work: WorkStruct<C>): Program<boolean> {
  return run(
    atomic(`queue_work(${wq.name}, ${work.name})`, [wq], () => {
      queuedOn.set(work, wq as Workqueue);
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
    const work = (yield wait_for_work(
      `worker_thread: take work from ${wq.name}`,
      wq,
      `work on ${wq.name}`,
      () => wq.pending.length > 0,
      () => {
        const w = wq.pending.shift()!;
        if (wq.trackRunning) wq.running.set(w, cx.actor);
        return w;
      },
    )) as WorkStruct<C>;
    // process_one_work holds the work's lockdep map while the function runs: lock_map_acquire(&lockdep_map).
    if (wq.world) lockdep_acquire(wq.world, cx.actor, workMap(wq, work), { callerDepth: 0 });
    yield* inFrame(cx, PROCESS_ONE_WORK, work.func(cx));
    if (wq.trackRunning) {
      const done = () => {
        wq.running.delete(work);
        if (wq.world) lockdep_release(wq.world, cx.actor, workMap(wq, work));
      };
      yield* inFrame(cx, PROCESS_ONE_WORK, run(atomic(`process_one_work: ${work.name} done`, [wq], done)));
    }
  }
}

/**
 * Makes `wq` track running items, so that flush_work and flush_workqueue can wait for them, and
 * feeds each item's lockdep map to `world`'s lockdep (kernel/workqueue.c: process_one_work holds
 * it while the function runs; __flush_work acquires and releases it before waiting), so lockdep
 * reports flush_work() called under a lock the work item takes.
 */
export function track_running_work<C extends Cx>(wq: Workqueue<C>, world: World): void {
  wq.trackRunning = true;
  wq.world = world;
}

/** A work item's lockdep map, `(work_completion)(name)`, at its workqueue's address. */
function workMap(wq: Workqueue<never> | Workqueue<Cx>, work: WorkStruct<never>): LockRef {
  let cls = workClasses.get(work);
  if (!cls) workClasses.set(work, (cls = lockClass(`(work_completion)(${work.name})`, 1, [0, 0])));
  return { oid: wq.oid, lockClass: cls };
}
const workClasses = new WeakMap<WorkStruct<never>, LockClass>();

/** The workqueue each work item was last queued on (work->data's pool, in the kernel). */
const queuedOn = new WeakMap<WorkStruct<never>, Workqueue>();

/** include/linux/workqueue.h: INIT_WORK. A work item that runs `func` in a kworker. */
export function INIT_WORK<C extends Cx = LockCx>(
  name: string,
  func: (cx: C) => Program<void>,
): WorkStruct<C> {
  return { name, func };
}

/**
 * kernel/workqueue.c: flush_work. Sleeps TASK_UNINTERRUPTIBLE until `work` is neither pending nor
 * running (the kernel queues a barrier behind it and waits for that). Returns false at once when
 * the item was idle. Needs a workqueue that tracks running items (`trackRunning`).
 */
export function* flush_work<C extends Cx>(cx: Cx, work: WorkStruct<C>): Program<boolean> {
  const wq = queuedOn.get(work) as Workqueue<C> | undefined;
  if (!wq) return false;
  if (!wq.trackRunning) throw new Error(`flush_work(${work.name}): ${wq.name} does not track running work`);
  const busy = () => wq.pending.includes(work) || wq.running.has(work);
  const world = wq.world;
  if (world && busy()) {
    // __flush_work: lock_map_acquire(&work->lockdep_map); lock_map_release(&work->lockdep_map).
    const map = workMap(wq, work);
    yield atomic(`lock_map_acquire(${map.lockClass.name})`, [wq], () => {
      lockdep_acquire(world, cx.actor, map);
      lockdep_release(world, cx.actor, map);
    });
  }
  const flushing: SimObject = {
    oid: wq.oid,
    name: wq.name,
    providers: () => {
      const runner = wq.running.get(work);
      return runner
        ? [{ actor: runner, how: `finish running ${work.name}` }]
        : wq.workers.map((w) => ({ actor: w, how: `run ${work.name}, queued on ${wq.name}` }));
    },
  };
  return (yield guarded(
    `flush_work(${work.name})`,
    [wq],
    {
      state: 'D',
      object: flushing,
      until: `${work.name} finishes`,
      wokenBy: 'nothing (uninterruptible)',
      sleepFrames: ['flush_work', '__flush_work', 'wait_for_completion', 'schedule', '__schedule'],
    },
    () => !busy(),
    () => true,
  )) as boolean;
}

/** kernel/workqueue.c: flush_workqueue. Sleeps TASK_UNINTERRUPTIBLE until nothing is pending or running. */
export function flush_workqueue<C extends Cx>(_cx: Cx, wq: Workqueue<C>): Program<void> {
  if (!wq.trackRunning) throw new Error(`flush_workqueue(${wq.name}): it does not track running work`);
  return run(
    guarded(
      `flush_workqueue(${wq.name})`,
      [wq],
      {
        state: 'D',
        object: wq,
        until: `${wq.name} to be idle`,
        wokenBy: 'nothing (uninterruptible)',
        sleepFrames: ['__flush_workqueue', 'wait_for_completion', 'schedule', '__schedule'],
      },
      () => wq.pending.length === 0 && wq.running.size === 0,
      () => {},
    ),
  );
}
