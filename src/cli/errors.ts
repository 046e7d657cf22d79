import { LockstepError } from '../core/errors.js';

/** Prints an error as `lockstep: error[CODE]: message` and `hint: ...`; with `debug`, the stack too. */
export function formatError(e: unknown, debug: boolean): string {
  if (e instanceof LockstepError) {
    const stack = debug && e.stack ? `${e.stack}\n` : '';
    return `lockstep: error[${e.code}]: ${e.message}\n  hint: ${e.hint}\n${stack}`;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const stack = debug ? `${err.stack ?? ''}\n` : '';
  return `lockstep: internal error: ${err.message}\n  hint: this is a bug in lockstep; run with --debug and report the stack trace\n${stack}`;
}
