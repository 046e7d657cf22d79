import type { Actor } from './actor.js';

/**
 * Sleep states of a blocked actor, named by the letter `ps` and the hung-task detector print:
 * D = TASK_UNINTERRUPTIBLE, S = TASK_INTERRUPTIBLE, K = TASK_KILLABLE (D | TASK_WAKEKILL).
 * R = running: a retry loop that spins (see `WaitInfo.spin`).
 */
export type SleepState = 'D' | 'S' | 'K' | 'R';

/** Someone who could let a waiter proceed, and how; feeds the plain-words wait-for explanation. */
export interface Provider {
  /** The actor that alone could provide the event, or null when any actor could. */
  readonly actor: Actor | null;
  /** What that actor must do, in plain words ("run the dio completion queued on its task_work"). */
  readonly how: string;
}

/** A shared object of the world: something steps touch and actors wait on. */
export interface SimObject {
  /** World-unique id, assigned in creation order so that it is deterministic. */
  readonly oid: number;
  /** Name as the kernel would print it (`i_dio_count`, `&sb->s_type->i_mutex_key#17`). */
  readonly name: string;
  /** Who could make `waiter` proceed on this object; used only to explain a deadlock. */
  providers?(waiter: Actor): readonly Provider[];
}

/** Why an op may not be able to run, recorded when the actor blocks on it. */
export interface WaitInfo {
  readonly state: SleepState;
  /** The object waited on. */
  readonly object: SimObject;
  /** The condition waited for, in the kernel's terms (`i_dio_count == 0`). */
  readonly until: string;
  /** What besides the condition ends the sleep (`signal or TIF_NOTIFY_SIGNAL`, `SIGKILL`, or nothing). */
  readonly wokenBy: string;
  /** A kernel thread waiting for work: not blocked, it just has nothing to do. */
  readonly idle?: boolean;
  /**
   * A retry loop (user space retrying -EAGAIN): the actor runs, but an attempt can only fail the
   * same way until something it depends on changes, so the engine holds it until then. When no
   * other actor can change that, the actor spins forever: a livelock, not a sleep.
   */
  readonly spin?: boolean;
  /** Frames the sleep adds above the caller in a call trace (`schedule`, `__schedule`). */
  readonly sleepFrames: readonly string[];
}

/**
 * One atomic step an actor asks the engine to run. Model code yields an op; the engine runs
 * `perform` when the scheduler picks the actor, and sends its result back into the generator.
 */
export interface Op<R = unknown> {
  /** What the step does, for the interleaving listing (`down_write(&sb->s_type->i_mutex_key#17)`). */
  readonly label: string;
  /**
   * Objects the step writes (or reads and writes); steps on disjoint objects commute. Model code
   * that does not say more is conservative: every object it names counts as written.
   */
  readonly touches: readonly SimObject[];
  /** Objects the step only reads. Two steps conflict when one writes an object the other touches or reads. */
  readonly reads?: readonly SimObject[];
  /** Present when the op can block; then `enabled` says whether it can run now. */
  readonly wait?: WaitInfo;
  /** Number of nondeterministic outcomes (which bio completes); 1 when absent. */
  readonly alternatives?: number;
  /** Whether the op can run now. Ops without `wait` are always enabled. */
  enabled(): boolean;
  /** Runs the step's effect atomically; `alt` picks among `alternatives`. */
  perform(alt: number): R;
  /** A short note on what happened, read after `perform` when a trace is recorded. */
  note?(): string;
}

/** Every model function is a generator of ops; `yield*` calls another model function. */
export type Program<R = void> = Generator<Op, R, unknown>;

/** Yields one op and returns its result with the right type. */
export function* run<R>(op: Op<R>): Program<R> {
  return (yield op) as R;
}

const always = (): boolean => true;

/** An op that always runs: an atomic access to shared state. */
export function atomic<R>(
  label: string,
  touches: readonly SimObject[],
  perform: () => R,
  note?: () => string,
): Op<R> {
  return note
    ? { label, touches, enabled: always, perform, note }
    : { label, touches, enabled: always, perform };
}

/** An op that runs only when `ready()` holds; otherwise its actor is blocked as `wait` says. */
export function guarded<R>(
  label: string,
  touches: readonly SimObject[],
  wait: WaitInfo,
  ready: () => boolean,
  perform: () => R,
  note?: () => string,
): Op<R> {
  return note
    ? { label, touches, wait, enabled: ready, perform, note }
    : { label, touches, wait, enabled: ready, perform };
}

/**
 * An op that always runs, with its reads and writes told apart, so that two reads of one object
 * commute (the classic DPOR benchmarks read shared arrays this way).
 */
export function access<R>(
  label: string,
  rw: { readonly reads?: readonly SimObject[]; readonly writes?: readonly SimObject[] },
  perform: () => R,
): Op<R> {
  return { label, touches: rw.writes ?? [], reads: rw.reads ?? [], enabled: always, perform };
}
