import { DEFAULT_CHECK, record } from '../api/check.js';
import type { Target } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import { DEFAULT_LIVELOCK_BOUND } from '../explore/livelock.js';
import { problemJson } from '../report/json.js';
import { problemReport } from '../report/text.js';

const BOUND_HINT = "a livelock's token replays only under the --livelock-bound it was found with";

/** `record`, with a divergence's hint naming the livelock bound (the one input a token does not carry). */
function recordOrExplain(target: Target, schedule: Schedule, livelockBound: number) {
  try {
    return record(target, schedule, DEFAULT_CHECK.maxSteps, livelockBound);
  } catch (e) {
    if (e instanceof LockstepError && e.code === 'E_REPLAY_DIVERGED') {
      throw new LockstepError(e.code, e.message, `${e.hint}; ${BOUND_HINT}`);
    }
    throw e;
  }
}

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
  livelockBound = DEFAULT_LIVELOCK_BOUND,
): string {
  const ex = recordOrExplain(target, schedule, livelockBound);
  const k = ex.outcome.kind;
  if (ex.schedule.length !== schedule.length || k === 'ok' || k === 'bound' || k === 'unfair') {
    throw new LockstepError(
      'E_REPLAY_DIVERGED',
      `replay ended as '${k}' after ${ex.schedule.length} of ${schedule.length} steps`,
      `${hint}; ${BOUND_HINT}`,
    );
  }
  const canonical = token.trim();
  return json
    ? `${JSON.stringify({ format: 'lockstep-replay', version: 1, ...problemJson(target, canonical, ex) }, null, 2)}\n`
    : problemReport(canonical, ex);
}
