import { ParallelSearch, type WorkUnit } from './coordinator.js';
import type { DporMode } from './dpor.js';
import {
  type Counterexample,
  type ExploreHooks,
  type ExploreLimits,
  type ExploreResult,
  PROGRESS_EVERY,
} from './explore.js';
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
}

/** What a parallel search did: the exploration, and the reversals that became siblings of their own. */
export interface ParallelResult extends ExploreResult {
  /** Units whose results were applied. */
  readonly units: number;
  readonly extensions: number;
}

/**
 * Explores a model with parallel DPOR: units in a window until none is left or one finds a
 * problem; of the problems found, the one of the earliest unit handed out is reported.
 */
export async function exploreParallel(
  options: ParallelOptions,
  limits: ExploreLimits,
  run: UnitRunner,
  hooks: ExploreHooks = {},
): Promise<ParallelResult> {
  const mode = options.mode ?? 'optimal';
  const search = new ParallelSearch(mode, options.budget ?? 64);
  const every = hooks.every ?? PROGRESS_EVERY;
  let executions = 0;
  let steps = 0;
  let maxDepth = 0;
  let cut = 0;
  let pruned = 0;
  let unfair = 0;
  let units = 0;
  let found: Counterexample | null = null;
  let stop: ExploreResult['stop'] = 'exhausted';
  const inflight: { unit: WorkUnit; outcome: Promise<UnitOutcome> }[] = [];
  const topUp = (): void => {
    const running = inflight.map((f) => f.unit);
    for (const unit of search.take(options.window - inflight.length, running)) {
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
    if (executions >= limits.maxExecutions) {
      stop = 'max-executions';
      break;
    }
    const why = hooks.shouldStop?.();
    if (why) {
      stop = why;
      break;
    }
    topUp();
  }
  return {
    strategy: `${mode === 'optimal' ? 'dpor' : 'source-dpor'}, parallel`,
    executions,
    steps,
    maxDepth,
    cut,
    pruned,
    unfair,
    traces: null,
    stop,
    complete: stop === 'exhausted' && cut === 0,
    found,
    units,
    extensions: search.extensions,
  };
}
