import { ParallelSearch, type WorkUnit } from './coordinator.js';
import type { DporMode } from './dpor.js';
import type { BranchData, Kept } from './dpor-data.js';
import {
  type Counterexample,
  type ExploreCounts,
  type ExploreHooks,
  type ExploreLimits,
  type ExploreResult,
  PROGRESS_EVERY,
} from './explore.js';
import type { ParallelSnapshot } from './parallel-snapshot.js';
import type { UnitOutcome } from './unit-run.js';

// Parallel DPOR in a window of units: the coordinator (./coordinator.ts) hands units out in the
// one search's order; at most `window` of them are in flight, on whatever threads `run` uses, and
// their results are applied in the order they were handed out, the window topped up after each.

/** How a unit is run: in this thread (tests), or on the next idle thread of a pool (the CLI). */
export type UnitRunner = (unit: WorkUnit) => Promise<UnitOutcome>;

/** Options of a parallel search. */
export interface ParallelOptions {
  readonly mode?: DporMode;
  /** Units in flight at most (a few per thread, so that a long unit does not leave the others idle). */
  readonly window: number;
  /** Executions a unit runs before it hands back what is left (default 64). */
  readonly budget?: number;
  /** Where a search stopped early, to go on from (`ParallelResult.resume`) with its counts. */
  readonly from?: { readonly search: ParallelSnapshot; readonly counts: ExploreCounts };
  /** Gives up, as data, branches a thread keeps (for `resume`; `run` on threads keeps some). */
  readonly release?: (k: Kept) => Promise<readonly BranchData[]>;
}

/** What a parallel search did: the exploration, and the reversals that became siblings of their own. */
export interface ParallelResult extends ExploreResult {
  /** Units whose results were applied. */
  readonly units: number;
  readonly extensions: number;
  /** Stopped early (time, Ctrl-C, the execution bound): where to go on from (`ParallelOptions.from`). */
  readonly resume: ParallelSnapshot | null;
}

/**
 * Explores a model with parallel DPOR: units in a window until none is left or one finds a
 * problem; of the problems found, the one of the earliest unit handed out is reported. Stopped
 * early, it hands out no more units, applies those in flight, and gives its state to resume from.
 */
export async function exploreParallel(
  options: ParallelOptions,
  limits: ExploreLimits,
  run: UnitRunner,
  hooks: ExploreHooks = {},
): Promise<ParallelResult> {
  const mode = options.mode ?? 'optimal';
  const budget = options.budget ?? 64;
  const from = options.from;
  const search = from ? ParallelSearch.restore(from.search, budget) : new ParallelSearch(mode, budget);
  const every = hooks.every ?? PROGRESS_EVERY;
  let executions = from?.counts.executions ?? 0;
  let steps = from?.counts.steps ?? 0;
  let maxDepth = from?.counts.maxDepth ?? 0;
  let cut = from?.counts.cut ?? 0;
  let pruned = from?.counts.pruned ?? 0;
  let unfair = from?.counts.unfair ?? 0;
  let units = from?.search.units ?? 0;
  let found: Counterexample | null = null;
  let stop: ExploreResult['stop'] = 'exhausted';
  const inflight: { unit: WorkUnit; outcome: Promise<UnitOutcome> }[] = [];
  const topUp = (): void => {
    const running = inflight.map((f) => f.unit);
    // The units in flight may run their whole budgets: those handed out now get what is left of
    // the bound, so that the search stops at it, as one thread does.
    let left = limits.maxExecutions - executions;
    for (const u of running) left -= u.budget;
    for (const unit of search.take(options.window - inflight.length, running, left)) {
      const outcome = run(unit);
      // Awaited in order below, where a failure is thrown; one after the search stopped is dropped.
      outcome.catch(() => {});
      inflight.push({ unit, outcome });
    }
  };
  topUp();
  while (inflight.length > 0) {
    const { unit, outcome } = inflight.shift()!;
    const o = await outcome;
    units++;
    const before = executions;
    executions += o.explore.executions;
    steps += o.explore.steps;
    maxDepth = Math.max(maxDepth, o.explore.maxDepth);
    cut += o.explore.cut;
    pruned += o.explore.pruned;
    unfair += o.explore.unfair;
    if (o.found) {
      found = o.found;
      stop = 'found';
      break;
    }
    search.apply(unit, o.result);
    if (Math.floor(executions / every) > Math.floor(before / every)) {
      hooks.onProgress?.({ executions, steps, maxDepth, traces: executions - pruned - cut - unfair });
    }
    if (stop === 'exhausted') {
      if (executions >= limits.maxExecutions) stop = 'max-executions';
      else stop = hooks.shouldStop?.() ?? 'exhausted';
    }
    // Stopping, the units in flight are still applied (a Ctrl-C waits for them; a second one
    // exits at once), so that the state to resume from has none running.
    if (stop === 'exhausted') topUp();
  }
  let resume: ParallelSnapshot | null = null;
  if (stop !== 'found' && stop !== 'exhausted') {
    if (search.finished()) stop = 'exhausted';
    else resume = search.snapshot(units, await released(search.keptBelow(), options.release));
  }
  return {
    strategy: `${mode === 'optimal' ? 'dpor' : 'source-dpor'}, parallel`,
    executions,
    steps,
    maxDepth,
    cut,
    pruned,
    unfair,
    // Without extensions the units ran exactly the one search's executions, each trace once; an
    // extension may run a trace a second time.
    traces: search.extensions === 0 ? executions - pruned - cut - unfair : null,
    stop,
    complete: stop === 'exhausted' && cut === 0,
    found,
    units,
    extensions: search.extensions,
    resume,
  };
}

/** The branches threads keep for continuations, fetched as data. */
async function released(
  kept: readonly Kept[],
  release: ParallelOptions['release'],
): Promise<(k: Kept) => readonly BranchData[]> {
  if (kept.length > 0 && !release) throw new Error('a parallel search stopped with branches it cannot fetch');
  const data = await Promise.all(kept.map((k) => release!(k)));
  const given = new Map(kept.map((k, i) => [k, data[i]!]));
  return (k) => given.get(k)!;
}
