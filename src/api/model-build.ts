import type { Actor } from '../core/actor.js';
import { LockstepError } from '../core/errors.js';
import { type FnInfo, frame, inFrame } from '../core/frames.js';
import { guarded, type Program } from '../core/op.js';
import { progressSlot } from '../core/progress.js';
import type { World } from '../core/world.js';
import type { Model, ModelReport } from '../explore/execute.js';
import { attachLockdep, LockdepSession, lockdepReport } from '../sync/lockdep-wire.js';
import { type LockstepModel, ModelSetup, type ModelSpec, type ThreadProgram } from './model.js';
import type { Target } from './target.js';

// How a model's executions are built: setup, one actor per thread under its own frame, the atEnd
// checker, lockdep when on, and the per-execution step bound that catches a thread that never stops.

function modelError(message: string, e: unknown): LockstepError {
  const frame = (e as { modelFrame?: FnInfo } | null)?.modelFrame;
  const at = frame ? ` at ${frame.name} (${frame.file})` : '';
  const msg = e instanceof Error ? e.message : String(e);
  const err = new LockstepError(
    'E_MODEL_ERROR',
    `${message}${at}: ${msg}`,
    'this is a bug in the model; run with --debug for the stack trace',
  );
  if (e instanceof Error && e.stack) err.stack = `${err.stack}\nCaused by: ${e.stack}`;
  return err;
}

function threadsOf<O>(spec: ModelSpec<O>, t: Target): [string, ThreadProgram<O>][] {
  const threads = typeof spec.threads === 'function' ? spec.threads(t.params) : spec.threads;
  return Object.entries(threads);
}

function spawnThread<O>(
  world: World,
  model: string,
  name: string,
  pid: number,
  fn: ThreadProgram<O>,
  objects: O,
): void {
  world.spawn('task', name, pid, (actor) => {
    const cx = { actor, world };
    const gen = fn(cx, objects) as Program<void> | undefined;
    if (typeof gen?.next !== 'function') {
      throw new LockstepError(
        'E_BAD_MODEL',
        `thread '${name}' is not a generator function`,
        'write threads as generator functions: *t1(cx, o) { yield* mutex_lock(cx, o.a); }',
      );
    }
    // The thread's own frame: call traces and lockdep's `at:` name the thread function.
    return inFrame(cx, frame(`model ${model}`, name), gen);
  });
}

/** The checker thread of `atEnd`: idle until every thread has exited and nothing else can run. */
function spawnFinal<O>(world: World, spec: ModelSpec<O>, threads: readonly Actor[], objects: O): void {
  const atEnd = spec.atEnd!;
  const progress = world.slot(progressSlot);
  world.spawn('kthread', 'atEnd', 0, (actor) =>
    (function* (): Program<void> {
      yield guarded(
        'atEnd()',
        [],
        {
          state: 'S',
          object: { oid: 0, name: 'the end' },
          until: 'every thread exits',
          wokenBy: '',
          idle: true,
          sleepFrames: [],
        },
        () =>
          threads.every((a) => a.pending === null) &&
          world.actors.every((a) => a === actor || a.pending === null || !a.pending.enabled()),
        () => atEnd(objects, { reached: (n) => progress.byName.get(n) ?? 0 }),
      );
    })(),
  );
}

function stepBound(world: World, maxSteps: number): null {
  if (world.steps < maxSteps || world.choices().length === 0) return null;
  const top = world.actors.reduce((a, b) => (b.steps > a.steps ? b : a));
  const f = top.frames[top.frames.length - 1];
  throw new LockstepError(
    'E_STEP_BOUND',
    `an execution ran ${world.steps} steps without ending (--max-steps); ${top.label} ran ${top.steps} of them, now at ${f ? f.name : 'its program'}: ${top.pending?.label ?? 'exit'}`,
    'a thread loops without ever blocking or exiting, yet makes progress (or --livelock-bound is 0 or over --max-steps): make the loop wait (a lock, a completion, retry_until), or raise --max-steps',
  );
}

/** The executions of a model: a fresh world, `setup`, then each thread (and the `atEnd` checker). */
export function buildOf<O>(spec: LockstepModel<O>, t: Target, maxSteps: number): Model {
  const lockdep = t.config.lockdep ? new LockdepSession({ release: t.config.release }) : null;
  const report = (world: World): ModelReport | null =>
    (lockdep ? lockdepReport(world) : null) ?? stepBound(world, maxSteps);
  return {
    build(world: World) {
      if (lockdep) attachLockdep(world, lockdep);
      let objects: O;
      try {
        objects = spec.setup(new ModelSetup(world), t.params);
      } catch (e) {
        if (e instanceof LockstepError) throw e;
        throw modelError(`model '${spec.name}': setup threw`, e);
      }
      const threads: Actor[] = [];
      for (const [i, [name, fn]] of threadsOf(spec, t).entries()) {
        try {
          spawnThread(world, spec.name, name, 101 + i, fn, objects);
        } catch (e) {
          if (e instanceof LockstepError) throw e;
          throw modelError(`model '${spec.name}': thread ${name} threw before its first step`, e);
        }
        threads.push(world.actors[world.actors.length - 1]!);
      }
      if (spec.atEnd) spawnFinal(world, spec, threads, objects);
    },
    report,
  };
}
