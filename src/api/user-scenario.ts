import { LockstepError } from '../core/errors.js';
import { checksum } from '../core/schedule.js';
import { applyOverrides, variant } from '../kernel/config.js';
import { resolveParams } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { scenarioModel, type Target } from './target.js';

const SCENARIO_BRAND = Symbol.for('lockstep.scenario');

/**
 * A kernel scenario from a user's file: the same shape as the built-in ones (a booted kernel,
 * user tasks making syscalls, a verdict per kernel variant), with the fingerprint its tokens carry.
 */
export interface UserScenario extends Scenario {
  /** A checksum of the definition's source text; a replay token from another version is refused. */
  readonly fingerprint: string;
  /** @internal Marks a scenario across copies of this module. */
  readonly [SCENARIO_BRAND]: true;
}

/** Whether `value` was made by `defineScenario` (from any copy of lockstep). */
export function isUserScenario(value: unknown): value is UserScenario {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO_BRAND] === true
  );
}

/**
 * Defines a kernel scenario in a model file: `setup` picks the machine (filesystem, file size),
 * `tasks` the user programs, `expect` the verdict per kernel variant. `lockstep check file.ts`
 * checks it on every variant in `expect`, or on `--kernel`'s.
 */
export function defineScenario(spec: Scenario): UserScenario {
  const name = String(spec?.name ?? '');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new LockstepError(
      'E_BAD_MODEL',
      `scenario '${name}': bad name`,
      'use letters, digits, -, _ and . (it goes into replay tokens)',
    );
  }
  if (typeof spec.setup !== 'function' || typeof spec.tasks !== 'function') {
    throw new LockstepError(
      'E_BAD_MODEL',
      `scenario '${name}': setup and tasks must be functions`,
      'setup: () => ({ fs: "xfs", fileSize }), tasks: () => [{ comm, pid, program }]',
    );
  }
  const source = [name, JSON.stringify(spec.params), String(spec.setup), String(spec.tasks)].join('\n');
  return Object.freeze({ ...spec, name, fingerprint: checksum(source), [SCENARIO_BRAND]: true as const });
}

/** The target of a user scenario on one kernel variant, with `--param` and `--config` overrides. */
export function userScenarioTarget(
  s: UserScenario,
  variantName: string,
  config: readonly (readonly [string, string])[] = [],
  params: readonly (readonly [string, string])[] = [],
): Target {
  const v = variant(variantName);
  return {
    scenario: s,
    params: resolveParams(s, params),
    paramOverrides: params,
    variant: v.name,
    config: applyOverrides(v.config, config),
    configOverrides: config,
    custom: { fingerprint: s.fingerprint, model: scenarioModel },
  };
}
