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
  | 'E_WRITE';

/** An error the user can act on: a stable code, a one-line message and a hint. */
export class LockstepError extends Error {
  override readonly name = 'LockstepError';
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
}
