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
import { copyTree } from './wakeup-tree.js';

// One unit of a parallel search run to its end or its budget, in whichever thread has it
// (src/explore/coordinator.ts hands units out; src/cli/pool.ts and dpor-worker.ts run them).

/** A unit's run: its exploration's counts, the problem it found, and what it hands back. */
export interface UnitOutcome {
  readonly explore: Pick<ExploreResult, 'executions' | 'steps' | 'maxDepth' | 'cut' | 'pruned' | 'unfair'>;
  readonly found: Counterexample | null;
  readonly result: UnitResult;
}

/** The unit with a copy of its item's tree, which a search may consume (`Unit.item`). */
export function ownedUnit(unit: Unit): Unit {
  return unit.item === null ? unit : { ...unit, item: copyTree(unit.item) };
}

/** Runs one unit in this thread; its search consumes a copy of the unit's tree, see `unitSteps`. */
export function runUnit(
  model: Model,
  mode: DporMode,
  unit: Unit,
  limits: Omit<ExploreLimits, 'maxExecutions'>,
  owned = false,
): UnitOutcome {
  return drain(unitSteps(model, mode, unit, limits, owned));
}

/**
 * `runUnit` as a generator that pauses every few executions (for a thread that also coordinates).
 * The search consumes the item's tree, which the coordinator shares: it gets a copy, unless the
 * unit is `owned` (unpacked from a message, it is this thread's alone). A copy made when the unit
 * was handed out lived, for a unit sent to a worker, until its result was applied, and so survived
 * the young generation's collections: on lastzero(15) on 2 threads, the coordinating thread
 * promoted 98-111 MB with it, 82-83 MB without.
 */
export function* unitSteps(
  model: Model,
  mode: DporMode,
  unit: Unit,
  limits: Omit<ExploreLimits, 'maxExecutions'>,
  owned = false,
): Generator<void, UnitOutcome, void> {
  const strategy = new DporStrategy({ mode, unit: owned ? unit : ownedUnit(unit) });
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
