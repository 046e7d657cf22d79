import { LockstepError } from './errors.js';
import type { FnInfo } from './frames.js';
import type { Op, Program, SimObject } from './op.js';

/** User task (a thread of a scenario program), kernel thread, or interrupt context. */
export type ActorKind = 'task' | 'kthread' | 'irq';

/** What an actor is doing right now, derived from its pending op. */
export type ActorStatus = 'runnable' | 'blocked' | 'idle' | 'exited';

/** A lock an actor holds, in acquisition order, as lockdep lists it. */
export interface HeldLock {
  readonly lock: SimObject;
  /** The function that took it (lockdep's `at:`). */
  readonly site: string;
  readonly read: boolean;
}

/** Anything that executes steps. Ids are indices in creation order, so they are deterministic. */
export class Actor {
  /** Call frames, outermost first; pushed by `kfunc` wrappers. */
  readonly frames: FnInfo[] = [];
  /** Locks held, oldest first (lockdep's held_locks). */
  readonly held: HeldLock[] = [];
  /** The op the actor will run when next scheduled; null once it has exited. */
  pending: Op | null = null;
  /** Steps this actor has run in the current execution. */
  steps = 0;
  private gen: Program | null = null;

  constructor(
    readonly id: number,
    readonly kind: ActorKind,
    readonly comm: string,
    readonly pid: number,
  ) {}

  /** `comm/pid` as lockdep prints a task; an interrupt context has no pid. */
  get label(): string {
    return this.kind === 'irq' ? this.comm : `${this.comm}/${this.pid}`;
  }

  /** Starts the program: runs it up to its first op. */
  start(program: Program): void {
    this.gen = program;
    this.advance(undefined);
  }

  /** Runs the pending op's effect and the program up to its next op; returns the op that ran. */
  step(alt: number): Op {
    const op = this.pending;
    if (op === null) throw new Error(`actor ${this.label} has exited`);
    const result = op.perform(alt);
    this.steps++;
    this.advance(result);
    return op;
  }

  /** Status derived from the pending op. */
  status(): ActorStatus {
    const op = this.pending;
    if (op === null) return 'exited';
    if (op.enabled()) return 'runnable';
    return op.wait?.idle ? 'idle' : 'blocked';
  }

  private advance(value: unknown): void {
    const r = this.gen!.next(value);
    if (r.done) {
      this.pending = null;
      this.gen = null;
    } else {
      this.pending = checkOp(this, r.value);
    }
  }
}

/** What a yielded value is, for the error message. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value} (${String(value).slice(0, 40)})`;
  if (typeof (value as { next?: unknown }).next === 'function') return 'a generator';
  if (typeof (value as { then?: unknown }).then === 'function') return 'a promise';
  return 'an object that is not an op';
}

/** The value a program yielded, if it is an op; otherwise a clear E_UNKNOWN_OP (not a crash later). */
function checkOp(actor: Actor, value: unknown): Op {
  const op = value as Partial<Op> | null;
  if (
    typeof op === 'object' &&
    op !== null &&
    typeof op.enabled === 'function' &&
    typeof op.perform === 'function'
  )
    return op as Op;
  const f = actor.frames[actor.frames.length - 1];
  const at = f ? `${f.name} (${f.file})` : 'its program';
  const what = describe(value);
  const hint =
    what === 'a generator'
      ? 'call model functions with yield*, not yield: `yield* mutex_lock(cx, m)`'
      : what === 'a promise'
        ? 'model code cannot await; yield ops made by atomic(), guarded() or a primitive'
        : 'yield only ops made by atomic(), guarded() or a primitive; call model functions with yield*';
  throw new LockstepError(
    'E_UNKNOWN_OP',
    `${actor.label} yielded ${what} at ${at}, after its step ${actor.steps}; that is not an operation`,
    hint,
  );
}
