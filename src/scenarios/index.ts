import { LockstepError } from '../core/errors.js';
import { fallocDioScenario } from './falloc-dio.js';
import { pwriteFallocScenario } from './pwrite-falloc.js';
import { reapThenFallocScenario } from './reap-then-falloc.js';
import type { Params, Scenario } from './scenario.js';
import { unalignedDioScenario } from './unaligned-dio.js';

/** Every built-in scenario, in the order `lockstep list` prints them. */
export const SCENARIOS: readonly Scenario[] = [
  fallocDioScenario,
  reapThenFallocScenario,
  unalignedDioScenario,
  pwriteFallocScenario,
];

/** Looks a scenario up by name. */
export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) {
    throw new LockstepError(
      'E_UNKNOWN_SCENARIO',
      `unknown scenario '${name}'`,
      `choose one of: ${SCENARIOS.map((x) => x.name).join(', ')} (see 'lockstep list')`,
    );
  }
  return s;
}

/** The scenario's parameters: defaults, then `key=value` overrides, each checked against its range. */
export function resolveParams(s: Scenario, overrides: readonly (readonly [string, string])[]): Params {
  const out: Record<string, number | string> = {};
  for (const p of s.params) out[p.name] = p.default;
  for (const [key, raw] of overrides) {
    const spec = s.params.find((p) => p.name === key);
    if (!spec) {
      const known = s.params.map((p) => p.name).join(', ') || '(none)';
      throw new LockstepError(
        'E_UNKNOWN_PARAM',
        `scenario '${s.name}' has no parameter '${key}'`,
        `known parameters: ${known}`,
      );
    }
    if ('values' in spec) {
      if (!spec.values.includes(raw)) {
        throw new LockstepError(
          'E_BAD_PARAM_VALUE',
          `bad value '${raw}' for parameter '${key}'`,
          `use one of: ${spec.values.join(', ')}`,
        );
      }
      out[key] = raw;
      continue;
    }
    const v = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(v >= spec.min && v <= spec.max)) {
      throw new LockstepError(
        'E_BAD_PARAM_VALUE',
        `bad value '${raw}' for parameter '${key}'`,
        `use an integer from ${spec.min} to ${spec.max}`,
      );
    }
    out[key] = v;
  }
  return out;
}
