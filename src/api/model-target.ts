import type { Actor } from '../core/actor.js';
import { LockstepError } from '../core/errors.js';
import { type FnInfo, frame, inFrame } from '../core/frames.js';
import { guarded, type Program } from '../core/op.js';
import { checksum, decodeSchedule, type Schedule } from '../core/schedule.js';
import type { World } from '../core/world.js';
import type { Execution, Model, ModelReport } from '../explore/execute.js';
import { applyOverrides, variant } from '../kernel/config.js';
import { resolveParams } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { attachLockdep, LockdepSession, lockdepReport } from '../sync/lockdep-wire.js';
import { type CheckOptions, type CheckResult, check, DEFAULT_CHECK, record } from './check.js';
import {
  type AnyModel,
  type LockstepModel,
  ModelSetup,
  type ModelSpec,
  progressSlot,
  type ThreadProgram,
} from './model.js';
import { splitPairs, type Target } from './target.js';
import { type UserScenario, userScenarioTarget } from './user-scenario.js';

/** What a model file can export: models (no kernel) and kernel scenarios. */
export type Checkable = AnyModel | UserScenario;

/** The targets `lockstep check` runs for one export: a model once; a scenario on each kernel variant. */
export function targetsOf(
  c: Checkable,
  o: ModelTargetOptions & { readonly kernels?: readonly string[] | undefined },
): Target[] {
  if ('threads' in c) {
    if (o.kernels) {
      throw new LockstepError(
        'E_USAGE',
        `--kernel does not apply to model '${c.name}': it boots no kernel`,
        'drop --kernel; kernel variants apply to scenarios (defineScenario)',
      );
    }
    return [modelTarget(c, o)];
  }
  const kernels = o.kernels ?? Object.keys(c.expect);
  return kernels.map((k) => userScenarioTarget(c, k, o.config, o.params));
}

/** The variant name of a model that boots no kernel: tokens read `abba#fp@plain:...`. */
export const PLAIN_VARIANT = 'plain';

/** How a model is checked: parameters and config overrides, as `--param` / `--config` give them. */
export interface ModelTargetOptions {
  readonly params?: readonly (readonly [string, string])[];
  /** Only `lockdep` applies to a model without a kernel. */
  readonly config?: readonly (readonly [string, string])[];
  /** The per-execution step bound; an execution that reaches it is an E_STEP_BOUND error. */
  readonly maxSteps?: number;
}

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
        () => atEnd(objects, { reached: (n) => progress.get(n) ?? 0 }),
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
    'a thread loops without ever blocking or exiting: make the loop wait (a lock, a completion, retry_until), or raise --max-steps',
  );
}

/** The executions of a model: a fresh world, `setup`, then each thread (and the `atEnd` checker). */
function buildOf<O>(spec: LockstepModel<O>, t: Target, maxSteps: number): Model {
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

const PLAIN_KEYS = ['lockdep'];

/** The target of a model: its parameters and config resolved, ready for `check` and `record`. */
export function modelTarget(model: AnyModel, options: ModelTargetOptions = {}): Target {
  const scenario: Scenario = {
    name: model.name,
    summary: model.summary ?? '',
    params: model.params ?? [],
    expect: model.expect ? { [PLAIN_VARIANT]: model.expect } : {},
    setup: () => {
      throw new Error(`model '${model.name}' boots no kernel`);
    },
    tasks: () => [],
  };
  const configOverrides = options.config ?? [];
  for (const [key] of configOverrides) {
    if (!PLAIN_KEYS.includes(key)) {
      throw new LockstepError(
        'E_UNKNOWN_CONFIG',
        `config key '${key}' does not apply to model '${model.name}', which boots no kernel`,
        `keys a model takes: ${PLAIN_KEYS.join(', ')}`,
      );
    }
  }
  const base = { ...variant('v6.6').config, lockdep: model.lockdep ?? false, dept: false };
  const paramOverrides = options.params ?? [];
  const maxSteps = options.maxSteps ?? DEFAULT_CHECK.maxSteps;
  return {
    scenario,
    params: resolveParams(scenario, paramOverrides),
    paramOverrides,
    variant: PLAIN_VARIANT,
    config: applyOverrides(base, configOverrides),
    configOverrides,
    custom: { fingerprint: model.fingerprint, model: (t) => buildOf(model, t, maxSteps) },
  };
}

/** Options of `checkModel`: the exploration's, and the target's. */
export type CheckModelOptions = Partial<CheckOptions> & Omit<ModelTargetOptions, 'maxSteps'>;

/** Explores a model; the result carries the verdict, the counterexample's token and its trace. */
export function checkModel(model: AnyModel, options: CheckModelOptions = {}): CheckResult {
  const o: CheckOptions = { ...DEFAULT_CHECK, ...options };
  return check(modelTarget(model, { ...options, maxSteps: o.maxSteps }), o);
}

const TOKEN_HINT = "copy the whole token that 'lockstep check' printed after 'replay:'";

/** Parses a token made for one of `models` (a model file's); refuses another model's or another version's. */
export function decodeModelToken(
  token: string,
  models: readonly Checkable[],
  maxSteps = DEFAULT_CHECK.maxSteps,
): { target: Target; schedule: Schedule } {
  const text = token.trim();
  const parts = text.split(':');
  if (parts.length !== 3 || !parts[0]!.includes('@')) {
    throw new LockstepError(
      'E_BAD_TOKEN',
      `malformed replay token '${text}'`,
      `${TOKEN_HINT}; it looks like model#fp@plain:schedule:check`,
    );
  }
  const [header, sched, sum] = parts as [string, string, string];
  if (checksum(`${header}:${sched}`) !== sum) {
    throw new LockstepError(
      'E_TOKEN_CHECKSUM',
      'replay token checksum does not match',
      `the token was changed or cut; ${TOKEN_HINT}`,
    );
  }
  const at = header.indexOf('@');
  const [nameFp, params] = splitPairs(header.slice(0, at), 'parameter');
  const [variantName, config] = splitPairs(header.slice(at + 1), 'config');
  const [name, fp] = nameFp.split('#');
  const model = models.find((m) => m.name === name);
  const isScenario = model !== undefined && !('threads' in model);
  if (!model || fp === undefined || (variantName !== PLAIN_VARIANT) !== isScenario) {
    const known = models.map((m) => m.name).join(', ');
    throw new LockstepError(
      'E_TOKEN_MODEL',
      `replay token is for '${name}${variantName === PLAIN_VARIANT ? '' : `@${variantName}`}', which the model file does not define (it has: ${known})`,
      'replay with the model file the token came from, or a built-in scenario token without --model',
    );
  }
  if (fp !== model.fingerprint) {
    throw new LockstepError(
      'E_TOKEN_MODEL',
      `replay token was made by another version of model '${name}' (fingerprint ${fp}, now ${model.fingerprint})`,
      'the model changed since the token was printed; run lockstep check on it again for a fresh token',
    );
  }
  const schedule = decodeSchedule(sched);
  if (schedule === null) {
    throw new LockstepError('E_BAD_TOKEN', `malformed schedule '${sched}' in replay token`, TOKEN_HINT);
  }
  const target =
    'threads' in model
      ? modelTarget(model, { params, config, maxSteps })
      : userScenarioTarget(model, variantName, config, params);
  return { target, schedule };
}

/** Re-runs a model's counterexample from its token, with a trace. */
export function replayModel(models: readonly Checkable[], token: string): Execution {
  const { target, schedule } = decodeModelToken(token, models);
  return record(target, schedule);
}
