import type { DporMode } from './dpor.js';
import { DporStrategy } from './dpor.js';
import type { Unit, UnitResult } from './dpor-data.js';
import type { Model } from './execute.js';
import {
  type Counterexample,
  drain,
  type ExploreLimits,
  type ExploreResult,
  exploreSteps,
} from './explore.js';

// One unit of a parallel search run to its end or its budget, in whichever thread has it
// (src/explore/coordinator.ts hands units out; src/cli/pool.ts and dpor-worker.ts run them).

/** A unit's run: its exploration's counts, the problem it found, and what it hands back. */
export interface UnitOutcome {
  readonly explore: Pick<ExploreResult, 'executions' | 'steps' | 'maxDepth' | 'cut' | 'pruned' | 'unfair'>;
  readonly found: Counterexample | null;
  readonly result: UnitResult;
}

/** Runs one unit in this thread; its search consumes the unit's tree (`take` made it the unit's own). */
export function runUnit(
  model: Model,
  mode: DporMode,
  unit: Unit,
  limits: Omit<ExploreLimits, 'maxExecutions'>,
): UnitOutcome {
  return drain(unitSteps(model, mode, unit, limits));
}

/** `runUnit` as a generator that pauses every few executions (for a thread that also coordinates). */
export function* unitSteps(
  model: Model,
  mode: DporMode,
  unit: Unit,
  limits: Omit<ExploreLimits, 'maxExecutions'>,
): Generator<void, UnitOutcome, void> {
  const strategy = new DporStrategy({ mode, unit });
  const r = yield* exploreSteps(model, strategy, { ...limits, maxExecutions: Number.POSITIVE_INFINITY });
  return {
    explore: {
      executions: r.executions,
      steps: r.steps,
      maxDepth: r.maxDepth,
      cut: r.cut,
      pruned: r.pruned,
      unfair: r.unfair,
    },
    found: r.found,
    result: strategy.unitResult(),
  };
}
