/**
 * Errors a user can cause are values with a stable code and a hint (STYLE.md habit 5).
 * The CLI maps every LockstepError to exit status 2.
 */

/** Stable error codes; tests and scripts match on these, so never rename one. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_UNKNOWN_SCENARIO'
  | 'E_UNKNOWN_VARIANT'
  | 'E_UNKNOWN_CONFIG'
  | 'E_BAD_CONFIG_VALUE'
  | 'E_UNKNOWN_PARAM'
  | 'E_BAD_PARAM_VALUE'
  | 'E_BAD_NUMBER'
  | 'E_BAD_TOKEN'
  | 'E_TOKEN_CHECKSUM'
  | 'E_REPLAY_DIVERGED'
  | 'E_MODEL_ERROR'
  | 'E_MODEL_UNSUPPORTED'
  | 'E_BAD_TRACE'
  | 'E_WRITE'
  /** A model yielded something that is not an op (often `yield f()` where `yield* f()` was meant). */
  | 'E_UNKNOWN_OP'
  /** An execution ran past the per-execution step bound without ending: a thread that never blocks. */
  | 'E_STEP_BOUND'
  /** A model file is missing or cannot be read. */
  | 'E_MODEL_FILE'
  /** A model file failed to load (a syntax error, or its top-level code threw). */
  | 'E_MODEL_LOAD'
  /** A model file exports no model, or not the one asked for. */
  | 'E_NO_MODEL'
  /** A model definition is malformed (no threads, a thread that is not a generator function). */
  | 'E_BAD_MODEL'
  /** A replay token was made by another model, another version of it, or needs `--model`. */
  | 'E_TOKEN_MODEL'
  /** An output file cannot be written. */
  | 'E_OUTPUT'
  /** `check --timeout` ran out: a model that loops inside one step, or a search too big for the time. */
  | 'E_TIMEOUT'
  /** `--shard` is not `i/N` with 0 <= i < N, or is given with a strategy that cannot be partitioned. */
  | 'E_BAD_SHARD'
  /** `merge` was given a file that is not the JSON result of a sharded check. */
  | 'E_BAD_RESULT'
  /** `merge` was given shards of different searches. */
  | 'E_MERGE_MISMATCH'
  /** `merge` was given one shard twice. */
  | 'E_MERGE_DUPLICATE'
  /** `merge` was not given every shard of a search. */
  | 'E_MERGE_MISSING'
  /** A `--workers` thread failed. */
  | 'E_WORKER'
  /** `--resume` was given a file that is not a checkpoint. */
  | 'E_BAD_CHECKPOINT'
  /** `--resume` was given a checkpoint of another check or other search options. */
  | 'E_CHECKPOINT_MISMATCH';

const LOCKSTEP_ERROR = Symbol.for('lockstep.LockstepError');
const MODEL_ASSERTION = Symbol.for('lockstep.ModelAssertion');

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * An error the user can act on: a stable code, a one-line message and a hint. `instanceof` works
 * across copies of the module (a model file that imports the built package while the caller runs
 * from source), through a global symbol brand.
 */
export class LockstepError extends Error {
  override readonly name = 'LockstepError';
  /** @internal The cross-copy brand. */
  readonly [LOCKSTEP_ERROR] = true;

  /** Whether `value` is a LockstepError from any copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, LOCKSTEP_ERROR);
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Thrown by model code when an assertion about kernel state fails; becomes an `assertion` verdict. */
export class ModelAssertion extends Error {
  override readonly name = 'ModelAssertion';
  /** @internal The cross-copy brand. */
  readonly [MODEL_ASSERTION] = true;

  /** Whether `value` is a ModelAssertion from any copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, MODEL_ASSERTION);
  }
}
