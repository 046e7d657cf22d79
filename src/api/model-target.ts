import { LockstepError } from '../core/errors.js';
import { checksum, decodeSchedule, type Schedule } from '../core/schedule.js';
import type { Execution } from '../explore/execute.js';
import { applyOverrides, variant } from '../kernel/config.js';
import { resolveParams } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type CheckOptions, type CheckResult, check, DEFAULT_CHECK, record } from './check.js';
import type { AnyModel } from './model.js';
import { buildOf } from './model-build.js';
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
