import { LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import { DfsStrategy } from '../explore/dfs.js';
import { DporStrategy } from '../explore/dpor.js';
import type { DporSnapshot, Partition } from '../explore/dpor-data.js';
import { type Execution, execute } from '../explore/execute.js';
import {
  drain,
  drainAsync,
  type ExploreCounts,
  type ExploreHooks,
  type ExploreResult,
  exploreSteps,
} from '../explore/explore.js';
import { DEFAULT_LIVELOCK_BOUND } from '../explore/livelock.js';
import { exploreParallel, type ParallelOptions, type UnitRunner } from '../explore/parallel.js';
import type { ParallelSnapshot } from '../explore/parallel-snapshot.js';
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
  /** With DPOR: explore only this shard of the search (`--shard i/N`). */
  readonly partition?: Partition;
}

/**
 * Where a DPOR search stopped early (`--max-time`, Ctrl-C, `--max-executions`): the preemption bound it was at, its
 * counts and its state. `check(..., resume)` continues from there to the same end as one run.
 */
export type Resume =
  | { readonly bound: number | null; readonly counts: ExploreCounts; readonly search: DporSnapshot }
  /** A parallel search's (`checkParallel`): resumed by one, on any number of threads. */
  | { readonly bound: null; readonly counts: ExploreCounts; readonly search: ParallelSnapshot };

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
  /** For a DPOR search stopped by time, Ctrl-C or the execution bound: where to resume it. */
  readonly resume: Resume | null;
  /** The shard of a partitioned search this result is for, if any. */
  readonly partition?: Partition;
}

function strategyOf(o: CheckOptions, bound?: number): Strategy {
  const dpor = {
    ...(bound === undefined ? {} : { preemptionBound: bound }),
    ...(o.partition ? { partition: o.partition } : {}),
  };
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
      return new DporStrategy({ mode: 'source', ...dpor });
    default:
      return new DporStrategy(dpor);
  }
}

function countsOf(r: ExploreResult): ExploreCounts {
  const { executions, steps, maxDepth, cut, pruned, unfair } = r;
  return { executions, steps, maxDepth, cut, pruned, unfair };
}

/**
 * The search state a checkpoint holds, when it is of the kind the search resuming it needs (one
 * thread's, `lockstep-dpor`, or a parallel search's); the other kind is E_CHECKPOINT_MISMATCH.
 */
function searchOf<F extends Resume['search']['format']>(
  from: Resume | undefined,
  format: F,
): Extract<Resume['search'], { format: F }> | undefined {
  const s = from?.search;
  if (s === undefined || s.format === format)
    return s as Extract<Resume['search'], { format: F }> | undefined;
  const parallel = s.format === 'lockstep-parallel-dpor';
  throw new LockstepError(
    'E_CHECKPOINT_MISMATCH',
    `the checkpoint is of a search on ${parallel ? 'worker threads' : 'one thread'}`,
    `resume it ${parallel ? 'with' : 'without'} --workers`,
  );
}

/** Whether a strategy can stop and resume, and be partitioned: the DPOR ones. */
export function isDpor(s: StrategyName): boolean {
  return s === 'dpor' || s === 'source-dpor';
}

/**
 * Explores with the chosen strategy; with a preemption bound, iterative context bounding: bound 0,
 * then 1, up to the bound, until a problem is found or a run skipped nothing.
 */
function* search(
  target: Target,
  options: CheckOptions,
  hooks: ExploreHooks,
  from?: Resume,
): Generator<void, { result: ExploreResult; resume: Resume | null }, void> {
  const snapshot = searchOf(from, 'lockstep-dpor');
  const model = modelOf(target);
  const limit = options.preemptionBound;
  const run = function* (bound: number | undefined, resumed: boolean) {
    const strategy = resumed && snapshot ? DporStrategy.restore(snapshot) : strategyOf(options, bound);
    const result = yield* exploreSteps(model, strategy, options, hooks, resumed ? from?.counts : undefined);
    const early =
      result.stop === 'max-time' || result.stop === 'interrupted' || result.stop === 'max-executions';
    const resume: Resume | null =
      early && strategy instanceof DporStrategy
        ? { bound: bound ?? null, counts: countsOf(result), search: strategy.snapshot() }
        : null;
    return { result, resume };
  };
  if (limit === undefined || !isDpor(options.strategy)) return yield* run(undefined, from !== undefined);
  let out: { result: ExploreResult; resume: Resume | null } | null = null;
  for (let b = from?.bound ?? 0; b <= limit; b++) {
    out = yield* run(b, from !== undefined && b === from.bound);
    if (out.result.found || out.result.complete || out.result.stop !== 'exhausted') break;
  }
  return out!;
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
  from?: Resume,
): CheckResult {
  validate(options);
  const { result, resume } = drain(search(target, options, hooks, from));
  return finish(target, options, result, resume);
}

/**
 * `check` that lets the event loop run every few executions, so that Ctrl-C (a SIGINT handler)
 * can stop a long search between executions; the same result as `check`.
 */
export async function checkAsync(
  target: Target,
  options: CheckOptions = DEFAULT_CHECK,
  hooks: ExploreHooks = {},
  from?: Resume,
): Promise<CheckResult> {
  validate(options);
  const { result, resume } = (await drainAsync(search(target, options, hooks, from)))!;
  return finish(target, options, result, resume);
}

/**
 * Checks a target with parallel DPOR: units run by `run` (on N threads in the CLI), a window of
 * them in flight, then shrinks and records a counterexample as `check` does. The result depends on
 * the number of threads, never on timing.
 */
export async function checkParallel(
  target: Target,
  options: CheckOptions,
  workers: number,
  threads: { readonly run: UnitRunner; readonly release?: ParallelOptions['release'] },
  hooks: ExploreHooks = {},
  from?: Resume,
): Promise<CheckResult> {
  validate(options);
  const snapshot = searchOf(from, 'lockstep-parallel-dpor');
  const result = await exploreParallel(
    {
      mode: options.strategy === 'source-dpor' ? 'source' : 'optimal',
      window: PARALLEL_WINDOW * workers,
      budget: PARALLEL_BUDGET,
      ...(from && snapshot ? { from: { search: snapshot, counts: from.counts } } : {}),
      ...(threads.release ? { release: threads.release } : {}),
    },
    options,
    threads.run,
    hooks,
  );
  const strategy = `${options.strategy}, ${workers} worker${workers === 1 ? '' : 's'}`;
  const resume: Resume | null = result.resume && {
    bound: null,
    counts: countsOf(result),
    search: result.resume,
  };
  return finish(target, options, { ...result, strategy }, resume);
}

/** A livelock bound that is not an integer >= 0 is E_BAD_NUMBER. */
function validate(options: CheckOptions): void {
  const bound = options.livelockBound;
  if (bound !== undefined && !(Number.isSafeInteger(bound) && bound >= 0)) {
    throw new LockstepError(
      'E_BAD_NUMBER',
      `bad livelock bound ${String(bound)}`,
      'use an integer >= 0 (0 turns livelock detection off)',
    );
  }
}

/** Units in flight per thread of a parallel check, and executions per unit (see bench/ for the choice). */
export const PARALLEL_WINDOW = 4;
export const PARALLEL_BUDGET = 1024;

/** Shrinks and records a search's counterexample, if it found one. */
function finish(
  target: Target,
  options: CheckOptions,
  result: ExploreResult,
  resume: Resume | null,
): CheckResult {
  const partition = options.partition ? { partition: options.partition } : {};
  if (!result.found) {
    return { target, explore: result, token: null, execution: null, shrunk: null, resume, ...partition };
  }
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
    resume: null,
    ...partition,
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
