import { LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import { DfsStrategy } from '../explore/dfs.js';
import { DporStrategy } from '../explore/dpor.js';
import { type Execution, execute } from '../explore/execute.js';
import { type ExploreHooks, type ExploreResult, explore } from '../explore/explore.js';
import { DEFAULT_LIVELOCK_BOUND } from '../explore/livelock.js';
import { DEFAULT_PCT_DEPTH, PctStrategy } from '../explore/pct.js';
import { RandomStrategy } from '../explore/random.js';
import { ReplayStrategy } from '../explore/replay.js';
import { type ShrinkCost, shrinkCounterexample } from '../explore/shrink.js';
import type { Strategy } from '../explore/strategy.js';
import { encodeToken, modelOf, type Target } from './target.js';

/**
 * Exploration strategies the CLI offers: `dpor` (optimal DPOR, the default), `source-dpor`,
 * `dfs` (depth-first with sleep sets only), `naive` (every schedule), `random` and `pct`.
 */
export const STRATEGIES = ['dpor', 'source-dpor', 'dfs', 'naive', 'random', 'pct'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Options of a check. */
export interface CheckOptions {
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly maxExecutions: number;
  readonly maxSteps: number;
  /** PCT's bug depth d. */
  readonly depth?: number;
  /** With DPOR: iterative context bounding, 0 preemptions, then 1, up to this many. */
  readonly preemptionBound?: number;
  /** Shrink a counterexample found (on by default). */
  readonly shrink?: boolean;
  /**
   * Steps without progress (an actor finishing, a `progress()` point, a syscall returning success)
   * after which a fair execution is a livelock; 0 turns the check off. Default 1000.
   */
  readonly livelockBound?: number;
}

/** Defaults: optimal DPOR, at most 100 000 executions of at most 10 000 steps. */
export const DEFAULT_CHECK: CheckOptions = {
  strategy: 'dpor',
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
  /** The counterexample's size as found and after shrinking, when it was shrunk. */
  readonly shrunk: { readonly before: ShrinkCost; readonly after: ShrinkCost } | null;
}

function strategyOf(o: CheckOptions, bound?: number): Strategy {
  switch (o.strategy) {
    case 'random':
      return new RandomStrategy(o.seed);
    case 'pct':
      return new PctStrategy({ seed: o.seed, depth: o.depth ?? DEFAULT_PCT_DEPTH });
    case 'dfs':
      return new DfsStrategy();
    case 'naive':
      return new DfsStrategy(false);
    case 'source-dpor':
      return new DporStrategy({ mode: 'source', ...(bound === undefined ? {} : { preemptionBound: bound }) });
    default:
      return new DporStrategy(bound === undefined ? {} : { preemptionBound: bound });
  }
}

/**
 * Explores with the chosen strategy; with a preemption bound, iterative context bounding: bound 0,
 * then 1, up to the bound, until a problem is found or a run skipped nothing.
 */
function search(target: Target, options: CheckOptions, hooks: ExploreHooks): ExploreResult {
  const model = modelOf(target);
  const limit = options.preemptionBound;
  if (limit === undefined || !options.strategy.endsWith('dpor')) {
    return explore(model, strategyOf(options), options, hooks);
  }
  let result: ExploreResult | null = null;
  for (let b = 0; b <= limit; b++) {
    result = explore(model, strategyOf(options, b), options, hooks);
    if (result.found || result.complete || result.stop !== 'exhausted') break;
  }
  return result!;
}

/** The verdict a check gives: the found problem's kind (deadlock, livelock, assertion, lockdep, dept) or ok. */
export function verdictOfResult(r: CheckResult): string {
  return r.explore.found ? r.explore.found.outcome.kind : 'ok';
}

/**
 * Explores a target and, for a problem found, shrinks its schedule (fewest steps, then fewest
 * preemptions, same verdict) and replays it with a trace.
 */
export function check(
  target: Target,
  options: CheckOptions = DEFAULT_CHECK,
  hooks: ExploreHooks = {},
): CheckResult {
  const bound = options.livelockBound;
  if (bound !== undefined && !(Number.isSafeInteger(bound) && bound >= 0)) {
    throw new LockstepError(
      'E_BAD_NUMBER',
      `bad livelock bound ${String(bound)}`,
      'use an integer >= 0 (0 turns livelock detection off)',
    );
  }
  const result = search(target, options, hooks);
  if (!result.found) return { target, explore: result, token: null, execution: null, shrunk: null };
  let found = result.found;
  let shrunk: CheckResult['shrunk'] = null;
  if (options.shrink !== false) {
    // A fresh model per candidate: lockdep's graph must come from the candidate's own schedule.
    const s = shrinkCounterexample(modelOf(target), found, {
      fresh: () => modelOf(target),
      livelockBound: options.livelockBound ?? DEFAULT_LIVELOCK_BOUND,
    });
    if (s.reproduced) {
      found = s.counterexample;
      shrunk = { before: s.before, after: s.after };
    }
  }
  return {
    target,
    explore: { ...result, found },
    token: encodeToken(target, found.schedule),
    execution: record(target, found.schedule, options.maxSteps, options.livelockBound),
    shrunk,
  };
}

/**
 * Re-runs one schedule of a target with a trace and the model's per-step snapshots, for reports.
 * Throws E_REPLAY_DIVERGED if it does not fit the model. A livelock's schedule replays to the same
 * verdict only under the livelock bound it was found with.
 */
export function record(
  target: Target,
  schedule: Schedule,
  maxSteps = DEFAULT_CHECK.maxSteps,
  livelockBound = DEFAULT_LIVELOCK_BOUND,
): Execution {
  const strategy = new ReplayStrategy(schedule);
  strategy.beginExecution();
  return execute(modelOf(target), strategy, Math.max(maxSteps, schedule.length), 'inspect', livelockBound);
}
