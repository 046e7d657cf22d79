import type { Schedule } from '../core/schedule.js';
import { DfsStrategy } from '../explore/dfs.js';
import { type Execution, execute } from '../explore/execute.js';
import { type ExploreResult, explore } from '../explore/explore.js';
import { RandomStrategy } from '../explore/random.js';
import { ReplayStrategy } from '../explore/replay.js';
import type { Strategy } from '../explore/strategy.js';
import { encodeToken, modelOf, type Target } from './target.js';

/** Exploration strategies the CLI offers. */
export type StrategyName = 'exhaustive' | 'random';

/** Options of a check. */
export interface CheckOptions {
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly maxExecutions: number;
  readonly maxSteps: number;
}

/** Defaults: exhaustive search, at most 100 000 executions of at most 10 000 steps. */
export const DEFAULT_CHECK: CheckOptions = {
  strategy: 'exhaustive',
  seed: 1,
  maxExecutions: 100_000,
  maxSteps: 10_000,
};

/** A check's result: the exploration, and for a problem its token and recorded execution. */
export interface CheckResult {
  readonly target: Target;
  readonly explore: ExploreResult;
  readonly token: string | null;
  /** The counterexample re-run with a trace, for the report. */
  readonly execution: Execution | null;
}

function strategyOf(o: CheckOptions): Strategy {
  return o.strategy === 'random' ? new RandomStrategy(o.seed) : new DfsStrategy();
}

/** The verdict a check gives: the found problem's kind (deadlock, livelock, assertion, lockdep, dept) or ok. */
export function verdictOfResult(r: CheckResult): string {
  return r.explore.found ? r.explore.found.outcome.kind : 'ok';
}

/** Explores a target and, for a problem found, replays its schedule with a trace. */
export function check(target: Target, options: CheckOptions = DEFAULT_CHECK): CheckResult {
  const model = modelOf(target);
  const result = explore(model, strategyOf(options), options);
  if (!result.found) return { target, explore: result, token: null, execution: null };
  const schedule = result.found.schedule;
  return {
    target,
    explore: result,
    token: encodeToken(target, schedule),
    execution: record(target, schedule),
  };
}

/**
 * Re-runs one schedule of a target with a trace and the model's per-step snapshots, for reports.
 * Throws E_REPLAY_DIVERGED if it does not fit the model.
 */
export function record(target: Target, schedule: Schedule, maxSteps = DEFAULT_CHECK.maxSteps): Execution {
  const strategy = new ReplayStrategy(schedule);
  strategy.beginExecution();
  return execute(modelOf(target), strategy, Math.max(maxSteps, schedule.length), 'inspect');
}
