import { LockstepError } from '../core/errors.js';

/** Parses a non-negative decimal integer option, or throws E_BAD_NUMBER. */
export function parseCount(name: string, raw: string, min: number): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new LockstepError('E_BAD_NUMBER', `bad number '${raw}' for ${name}`, `use an integer >= ${min}`);
  }
  return Number(raw);
}

/** Parses repeatable `key=value` options. */
export function parsePairs(name: string, raw: readonly string[]): [string, string][] {
  return raw.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new LockstepError(
        'E_USAGE',
        `${name} expects key=value, got '${kv}'`,
        `for example: ${name} lockdep=0`,
      );
    }
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
