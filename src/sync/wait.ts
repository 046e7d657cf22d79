import type { Cx } from '../core/frames.js';
import {
  guarded,
  type Op,
  type Program,
  run,
  type SimObject,
  type SleepState,
  type WaitInfo,
} from '../core/op.js';
import { ERESTARTSYS } from './errno.js';
import type { ThreadInfo } from './thread-info.js';

const SLEEP_FRAMES = ['schedule', '__schedule'] as const;

/** What ends a sleep in each state besides its condition (include/linux/sched/signal.h: signal_pending_state). */
export function wokenBy(state: SleepState): string {
  if (state === 'S') return 'a signal or TIF_NOTIFY_SIGNAL';
  if (state === 'K') return 'SIGKILL';
  if (state === 'R') return 'nothing (it spins)';
  return 'nothing (uninterruptible)';
}

/** Whether a sleeper in `state` is woken by what is pending on its thread (signal_pending_state). */
export function signal_pending_state(state: SleepState, ti: ThreadInfo | null): boolean {
  if (ti === null || state === 'D' || state === 'R') return false;
  return state === 'S' ? ti.signal_pending() : ti.fatal_signal_pending();
}

/** Options of a wait. */
export interface WaitSpec {
  readonly object: SimObject;
  /** Extra objects the condition reads. */
  readonly reads?: readonly SimObject[];
  readonly until: string;
  readonly cond: () => boolean;
  readonly state: SleepState;
  /** The sleeper's thread flags; null for contexts that take no signals. */
  readonly ti: ThreadInfo | null;
  readonly sleepFrames?: readonly string[];
  readonly label?: string;
}

/**
 * include/linux/wait.h: ___wait_event. Sleeps in `state` until `cond` holds; an interruptible
 * (or killable) sleep also ends on a pending signal and then returns -ERESTARTSYS. The
 * prepare/check/schedule loop is one guarded step: the model has no lost wakeups here.
 */
export function wait_event(_cx: Cx, spec: WaitSpec): Op<number> {
  const { cond, state, ti } = spec;
  const wait: WaitInfo = {
    state,
    object: spec.object,
    until: spec.until,
    wokenBy: wokenBy(state),
    sleepFrames: spec.sleepFrames ?? SLEEP_FRAMES,
  };
  const touches = [spec.object, ...(spec.reads ?? []), ...(ti && state !== 'D' ? [ti] : [])];
  let result = 0;
  return guarded(
    spec.label ?? `wait_event(${spec.until})`,
    touches,
    wait,
    () => cond() || signal_pending_state(state, ti),
    () => (result = cond() ? 0 : -ERESTARTSYS),
    () => (result === 0 ? `${spec.until}: proceeds` : 'interrupted: -ERESTARTSYS'),
  );
}

/**
 * A kernel thread's wait for work, fused with taking the work: while it waits the thread is idle,
 * not blocked, and the step that ends the wait is the one that takes the item.
 */
export function wait_for_work<R>(
  label: string,
  object: SimObject,
  until: string,
  ready: () => boolean,
  take: () => R,
): Op<R> {
  return guarded(
    label,
    [object],
    { state: 'S', object, until, wokenBy: 'new work', idle: true, sleepFrames: SLEEP_FRAMES },
    ready,
    take,
  );
}

/**
 * A busy retry loop, reduced: the actor keeps running, but each attempt before `cond` holds
 * would fail the same way, so the engine holds it until `cond` holds (WaitInfo.spin). If no other
 * actor can ever make `cond` true, the actor spins forever: the engine reports a livelock.
 */
export function spin_until(
  label: string,
  objects: readonly [SimObject, ...SimObject[]],
  until: string,
  cond: () => boolean,
): Op<void> {
  return guarded(
    label,
    objects,
    {
      state: 'R',
      object: objects[0],
      until,
      wokenBy: wokenBy('R'),
      spin: true,
      sleepFrames: [],
    },
    cond,
    () => {},
  );
}

/**
 * A user-space or kernel retry loop (retry on -EAGAIN, poll a flag) as one call: returns once
 * `cond` holds; reported as a livelock when nothing can ever make it hold. See `spin_until`.
 */
export function retry_until(
  label: string,
  objects: readonly [SimObject, ...SimObject[]],
  until: string,
  cond: () => boolean,
): Program<void> {
  return run(spin_until(label, objects, until, cond));
}
