import { record } from '../api/check.js';
import type { Target } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import { problemJson } from '../report/json.js';
import { problemReport } from '../report/text.js';

/**
 * Re-runs a token's schedule and renders what `replay` prints, for scenarios and model files alike.
 * A schedule that does not end in the problem it was made for is E_REPLAY_DIVERGED, with `hint`.
 */
export function replayOutput(
  target: Target,
  schedule: Schedule,
  token: string,
  json: boolean | undefined,
  hint: string,
): string {
  const ex = record(target, schedule);
  if (ex.schedule.length !== schedule.length || ex.outcome.kind === 'ok' || ex.outcome.kind === 'bound') {
    throw new LockstepError(
      'E_REPLAY_DIVERGED',
      `replay ended as '${ex.outcome.kind}' after ${ex.schedule.length} of ${schedule.length} steps`,
      hint,
    );
  }
  const canonical = token.trim();
  return json
    ? `${JSON.stringify({ format: 'lockstep-replay', version: 1, ...problemJson(target, canonical, ex) }, null, 2)}\n`
    : problemReport(canonical, ex);
}
