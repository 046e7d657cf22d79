import type { Actor } from '../core/actor.js';
import { LockstepError, ModelAssertion } from '../core/errors.js';
import type { Program } from '../core/op.js';
import { markProgress } from '../core/progress.js';
import { checksum } from '../core/schedule.js';
import type { World } from '../core/world.js';
import type { ExpectedVerdict, ParamSpec, Params } from '../scenarios/scenario.js';
import { type Completion, DECLARE_COMPLETION } from '../sync/completion.js';
import type { LockCx } from '../sync/lock-class.js';
import { lockClass } from '../sync/lock-class.js';
import { DEFINE_MUTEX, type Mutex } from '../sync/mutex.js';
import { RwSemaphore } from '../sync/rwsem.js';
import { type SharedVar, shared } from '../sync/shared.js';
import { DEFINE_SPINLOCK, type Spinlock } from '../sync/spinlock.js';
import { DECLARE_WAIT_QUEUE_HEAD, type WaitQueueHead } from '../sync/waitqueue.js';
import { alloc_workqueue, track_running_work, type Workqueue } from '../sync/workqueue.js';

/** What every thread of a model receives: the actor running it and its world. Sync primitives take it first. */
export type ModelCx = LockCx;

/** A thread's program: a generator that yields one op per step and calls model functions with `yield*`. */
export type ThreadProgram<O> = (cx: ModelCx, objects: O) => Program<void>;

/** The facts an `atEnd` check can read about the execution that just finished cleanly. */
export interface EndState {
  /** How many times threads passed the progress point `name` (see `progress`). */
  reached(name: string): number;
}

/** What a model says about itself: its objects, its threads and what it expects. */
export interface ModelSpec<O> {
  /** The model's name: it names the model in reports and in replay tokens. Letters, digits, `-`, `_`, `.`. */
  readonly name: string;
  /** One line on what the model does. */
  readonly summary?: string;
  /** Parameters (`--param key=value`), as the built-in scenarios declare them. */
  readonly params?: readonly ParamSpec[];
  /** Makes the shared objects of one execution; called once per execution, on a fresh world. */
  readonly setup: (m: ModelSetup, params: Params) => O;
  /** The threads, by name, in start order; or a function of the parameters that returns them. */
  readonly threads:
    | Readonly<Record<string, ThreadProgram<O>>>
    | ((params: Params) => Readonly<Record<string, ThreadProgram<O>>>);
  /** Runs when every thread has exited; throw (or `assert`) to report an assertion verdict. */
  readonly atEnd?: (objects: O, end: EndState) => void;
  /** The verdict the model is meant to give; `lockstep check` notes a different one. */
  readonly expect?: ExpectedVerdict;
  /** Validate every lock with lockdep (default false; `--config lockdep=1` turns it on). */
  readonly lockdep?: boolean;
}

const MODEL_BRAND = Symbol.for('lockstep.model');

/** A model made by `defineModel`: its spec, checked, with the fingerprint its replay tokens carry. */
export interface LockstepModel<O = unknown> extends ModelSpec<O> {
  /** A checksum of the definition's source text; a replay token from another version is refused. */
  readonly fingerprint: string;
  /** @internal Marks a model across copies of this module (model files import the built package). */
  readonly [MODEL_BRAND]: true;
}

/** A model of any object type, as a model file's list of models holds them. */
// biome-ignore lint/suspicious/noExplicitAny: setup's result type varies per model, and threads take it as a parameter.
export type AnyModel = LockstepModel<any>;

/** Whether `value` is a model made by `defineModel` (from any copy of lockstep). */
export function isModel(value: unknown): value is AnyModel {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MODEL_BRAND] === true
  );
}

function badModel(name: string, message: string, hint: string): LockstepError {
  return new LockstepError('E_BAD_MODEL', `model '${name}': ${message}`, hint);
}

/**
 * Defines a model: the objects `setup` makes, the `threads` that use them, and optionally an
 * `atEnd` check. Check it with `checkModel(model)` or `lockstep check ./file.ts`.
 *
 * ```ts
 * export default defineModel({
 *   name: 'abba',
 *   setup: (m) => ({ a: m.mutex('A'), b: m.mutex('B') }),
 *   threads: {
 *     *t1(cx, { a, b }) { yield* mutex_lock(cx, a); yield* mutex_lock(cx, b); ... },
 *     *t2(cx, { a, b }) { yield* mutex_lock(cx, b); yield* mutex_lock(cx, a); ... },
 *   },
 * });
 * ```
 */
export function defineModel<O>(spec: ModelSpec<O>): LockstepModel<O> {
  const name = String(spec?.name ?? '');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw badModel(name, 'bad name', 'use letters, digits, -, _ and . (it goes into replay tokens)');
  }
  if (typeof spec.setup !== 'function')
    throw badModel(name, 'setup is not a function', 'setup: (m) => ({ ... })');
  if (typeof spec.threads !== 'function' && Object.keys(spec.threads ?? {}).length === 0) {
    throw badModel(name, 'no threads', 'threads: { *t1(cx, o) { ... }, *t2(cx, o) { ... } }');
  }
  const source = [
    name,
    JSON.stringify(spec.params ?? []),
    String(spec.setup),
    typeof spec.threads === 'function'
      ? String(spec.threads)
      : Object.entries(spec.threads).map(([k, f]) => `${k}=${String(f)}`),
    String(spec.atEnd ?? ''),
  ].join('\n');
  return Object.freeze({ ...spec, name, fingerprint: checksum(source), [MODEL_BRAND]: true as const });
}

/** Options of a workqueue made by `ModelSetup.workqueue`. */
export interface WorkqueueOptions {
  /** How many kworkers serve it (max_active); 1 makes an ordered workqueue. Default 1. */
  readonly workers?: number;
}

/** The context a worker's work functions receive: like a thread's. */
export type WorkCx = ModelCx;

/**
 * What `setup` receives: makers for the simulated objects of one execution. Every object gets
 * its id in creation order, so executions are deterministic.
 */
export class ModelSetup {
  private kworkers = 0;

  constructor(
    /** The world being built, for the lower-level makers (`DEFINE_MUTEX(m.world, 'A')`). */
    readonly world: World,
  ) {}

  /** A mutex (kernel/locking/mutex.c) whose lockdep class is `name`. */
  mutex(name: string): Mutex {
    return DEFINE_MUTEX(this.world, name);
  }

  /** A spinlock (kernel/locking/spinlock.c) whose lockdep class is `name`. */
  spinlock(name: string): Spinlock {
    return DEFINE_SPINLOCK(this.world, name);
  }

  /** A read-write semaphore (kernel/locking/rwsem.c) whose lockdep class is `name`. */
  rwsem(name: string): RwSemaphore {
    return new RwSemaphore(this.world.oid(), lockClass(name));
  }

  /** A completion (kernel/sched/completion.c). */
  completion(name: string): Completion {
    return DECLARE_COMPLETION(this.world, name);
  }

  /** A wait queue head (kernel/sched/wait.c). */
  waitqueue(name: string): WaitQueueHead {
    return DECLARE_WAIT_QUEUE_HEAD(this.world, name);
  }

  /** A shared variable read and written with READ_ONCE / WRITE_ONCE. */
  variable<T>(name: string, initial: T): SharedVar<T> {
    return shared(this.world, name, initial);
  }

  /** A workqueue (kernel/workqueue.c) with its kworkers, started now; `flush_work` works on it. */
  workqueue(name: string, options: WorkqueueOptions = {}): Workqueue<WorkCx> {
    const n = options.workers ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`workqueue ${name}: workers must be an integer >= 1`);
    const world = this.world;
    const base = this.kworkers;
    this.kworkers += n;
    const wq = alloc_workqueue(
      world,
      name,
      n,
      (i) => 201 + base + i,
      (actor: Actor) => ({ actor, world }),
      // Worker names run on across workqueues, so no two kworkers of a model share one.
      (i) => `kworker/0:${base + i + 1}`,
    );
    track_running_work(wq, world);
    return wq;
  }
}

/**
 * Marks a progress point: `atEnd` can ask how often threads passed it, and a loop that passes one
 * is not a livelock (the livelock bound counts steps since the last progress event). Not a step:
 * it records and returns at once.
 */
export function progress(cx: ModelCx, name: string): void {
  markProgress(cx.world, name);
}

/** Fails the execution with an `assertion` verdict when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ModelAssertion(message);
}
