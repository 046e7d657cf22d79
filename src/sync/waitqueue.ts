import type { Actor } from '../core/actor.js';
import { atomic, guarded, type Op, type Program, run, type SimObject } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import type { LockCx } from './lock-class.js';
import { wokenBy } from './wait.js';

/** include/linux/sched.h: the task states a sleeper can set; TASK_RUNNING ends a sleep. */
export const TASK_RUNNING = 'R';
/** include/linux/sched.h: TASK_UNINTERRUPTIBLE (D). */
export const TASK_UNINTERRUPTIBLE = 'D';
/** include/linux/sched.h: TASK_INTERRUPTIBLE (S). Signals are not modelled here: only a wake-up ends it. */
export const TASK_INTERRUPTIBLE = 'S';

/** A task state as set_current_state takes it. */
export type TaskState = typeof TASK_RUNNING | typeof TASK_UNINTERRUPTIBLE | typeof TASK_INTERRUPTIBLE;

/**
 * `current->__state` of one actor, as its own object: set_current_state writes it, schedule()
 * sleeps on it, and try_to_wake_up sets it back to TASK_RUNNING. Keeping it explicit is what lets
 * a model show a lost wake-up (the state is set after the wake-up already happened).
 */
export class TaskStateVar implements SimObject {
  state: TaskState = TASK_RUNNING;
  /** Wait queues the task is on, for the explanation. */
  readonly queues = new Set<WaitQueueHead>();

  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

const statesSlot = defineSlot(() => new Map<Actor, TaskStateVar>());

/** The `__state` object of `actor` in `world`, made on first use. */
export function task_state(world: World, actor: Actor): TaskStateVar {
  const states = world.slot(statesSlot);
  let s = states.get(actor);
  if (!s) states.set(actor, (s = new TaskStateVar(world.oid(), `${actor.label}->__state`)));
  return s;
}

/** include/linux/wait.h: struct wait_queue_head. Entries are the tasks waiting on it, in order. */
export class WaitQueueHead implements SimObject {
  readonly entries: Actor[] = [];

  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

/** include/linux/wait.h: DECLARE_WAIT_QUEUE_HEAD. */
export function DECLARE_WAIT_QUEUE_HEAD(world: World, name: string): WaitQueueHead {
  return new WaitQueueHead(world.oid(), name);
}

/** include/linux/sched.h: set_current_state. One step; the state takes effect at the next schedule(). */
export function set_current_state(cx: LockCx, state: TaskState): Program<void> {
  const ts = task_state(cx.world, cx.actor);
  return run(atomic(`set_current_state(${state})`, [ts], () => void (ts.state = state)));
}

/**
 * kernel/sched/wait.c: prepare_to_wait. Queues the task on `wq` (once) and sets its state, in one
 * step under wq->lock; a wake_up after this step wakes it.
 */
export function prepare_to_wait(cx: LockCx, wq: WaitQueueHead, state: TaskState): Program<void> {
  const ts = task_state(cx.world, cx.actor);
  return run(
    atomic(`prepare_to_wait(${wq.name}, ${state})`, [wq, ts], () => {
      if (!wq.entries.includes(cx.actor)) wq.entries.push(cx.actor);
      ts.queues.add(wq);
      ts.state = state;
    }),
  );
}

/** kernel/sched/wait.c: finish_wait. Sets TASK_RUNNING and leaves the queue if still on it. */
export function finish_wait(cx: LockCx, wq: WaitQueueHead): Program<void> {
  const ts = task_state(cx.world, cx.actor);
  return run(
    atomic(`finish_wait(${wq.name})`, [wq, ts], () => {
      ts.state = TASK_RUNNING;
      const i = wq.entries.indexOf(cx.actor);
      if (i >= 0) wq.entries.splice(i, 1);
      ts.queues.delete(wq);
    }),
  );
}

/**
 * kernel/sched/core.c: schedule. A task whose state is TASK_RUNNING returns at once; otherwise it
 * sleeps until a wake-up sets its state back to TASK_RUNNING.
 */
export function schedule(cx: LockCx): Program<void> {
  const ts = task_state(cx.world, cx.actor);
  if (ts.state === TASK_RUNNING) return run(atomic('schedule() (TASK_RUNNING: returns)', [ts], () => {}));
  const queues = [...ts.queues].map((q) => q.name).join(', ') || 'no wait queue';
  return run(
    guarded(
      'schedule()',
      [ts],
      {
        state: ts.state,
        object: ts,
        until: `a wake-up (queued on ${queues})`,
        wokenBy: wokenBy('D'),
        sleepFrames: ['schedule', '__schedule'],
      },
      () => ts.state === TASK_RUNNING,
      () => {},
    ),
  );
}

/** kernel/sched/core.c: try_to_wake_up, on a task that sleeps or is about to. */
function try_to_wake_up(ts: TaskStateVar): boolean {
  if (ts.state === TASK_RUNNING) return false;
  ts.state = TASK_RUNNING;
  return true;
}

/**
 * kernel/sched/wait.c: __wake_up. Wakes every task on `wq` (no exclusive waiters), removing
 * each one it woke (autoremove_wake_function). A wake-up with nobody queued is lost.
 */
export function wake_up(cx: LockCx, wq: WaitQueueHead): Program<void> {
  const world = cx.world;
  const op: Op<void> = {
    label: `wake_up(${wq.name})`,
    // The footprint is read when the step is chosen: the queue and the state of each waiter on it.
    get touches(): SimObject[] {
      return [wq, ...wq.entries.map((a) => task_state(world, a))];
    },
    enabled: () => true,
    perform: () => {
      for (const a of [...wq.entries]) {
        const ts = task_state(world, a);
        if (!try_to_wake_up(ts)) continue;
        wq.entries.splice(wq.entries.indexOf(a), 1);
        ts.queues.delete(wq);
      }
    },
  };
  return run(op);
}

/** kernel/sched/core.c: wake_up_process. Sets `task`'s state to TASK_RUNNING. */
export function wake_up_process(cx: LockCx, task: Actor): Program<boolean> {
  const ts = task_state(cx.world, task);
  return run(atomic(`wake_up_process(${task.label})`, [ts], () => try_to_wake_up(ts)));
}
