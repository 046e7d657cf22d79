import type { Choice } from '../core/schedule.js';
import type { DporOptions } from './dpor.js';
import type { Event, WakeupNode } from './wakeup-tree.js';

// What a DPOR search exchanges as plain data: shards (`Partition`), the units of a parallel search
// and what they hand back, and snapshots to resume from (checkpoints).

/**
 * A unit of work of a parallel search (src/explore/coordinator.ts): the subtree of one scheduled
 * sibling, `item`, at the branch reached by `prefix`. The reversals its executions schedule at or
 * above that branch are not explored here but handed back (`Planting`); after `budget` executions
 * the branches left below it are handed back too. Without an item, the unit is the whole search.
 */
export interface Unit {
  readonly prefix: readonly Choice[];
  /** Shared with the coordinator; a search consumes it, so it runs on a copy (`ownedUnit`). */
  readonly item: WakeupNode | null;
  /** The item's sleep set: the branch's on arrival and every sibling before it. */
  readonly sleep: readonly Event[];
  /**
   * For each branch of the prefix, the same: what it had on arrival and the siblings before the
   * one on the prefix. A reversal these cover is not handed back (the coordinator would drop it).
   */
  readonly above: readonly (readonly Event[])[];
  readonly budget: number;
  /**
   * Out of budget, how many of its open branches (those with siblings left), from the top, the unit
   * hands over: the coordinator hands out their siblings, and the rest goes on as one unit below the
   * last of them (`UnitResult`). 1 keeps the small subtrees deep on a path in one unit; more gives
   * the threads work when the coordinator has none pending (a search shaped like a chain).
   */
  readonly split: number;
  /**
   * A unit that goes on where an earlier one ran out of budget: the branches below the item as
   * that one left them (its `UnitResult.below`). The first execution follows their current steps
   * and the search continues exactly as the earlier unit's would have.
   */
  readonly resume?: Resume | undefined;
}

/**
 * Branches a thread kept for the unit that goes on from them: the thread (`threadId`, 0 for the
 * main one) and its token for them. They stay where they were made instead of crossing threads
 * twice (to the coordinator and back); the unit must run on that thread.
 */
export interface Kept {
  readonly thread: number;
  readonly token: number;
}

/** The branches a continuation resumes: as data, or kept by the thread that ran the unit before. */
export type Resume = readonly BranchData[] | Kept;

export function isKept(r: Resume): r is Kept {
  return !Array.isArray(r);
}

/** A reversal a unit scheduled at the branch at `depth` of its prefix (or its item's own branch). */
export interface Planting {
  readonly depth: number;
  readonly v: Event[];
}

/**
 * What a unit hands back: its plantings in order, and the branches below its item still to
 * explore, split where the coordinator takes over. The coordinator hands out the siblings of
 * `branches` (the shallowest with siblings left is the last); the deepest one's current step and
 * the branches `below` it go on as one unit (`Unit.resume`).
 */
export interface UnitResult {
  readonly plantings: Planting[];
  /** Deepest last; without `below`, the last one's `current` was not explored yet (the next execution's). */
  readonly branches: BranchData[];
  /** The branches below the last of `branches`, or null when none is left below it. */
  readonly below: Resume | null;
}

/**
 * A search cut into shards that share nothing, for worker threads or separate machines. Every shard
 * runs the same first executions of the one search (counted by shard 0 only) until the siblings
 * left to explore on the path number at least `items` (default 2 per shard). Those pending
 * siblings, numbered in the order the one search would take them, go to shard `i mod shards`.
 * Each shard then runs DPOR on its own siblings; a sibling of another shard is put to sleep where
 * the one search would have explored it, as if explored (its shard does). The reversals a shard's
 * executions schedule at a branch above the cut are explored by that shard itself, and one that
 * would extend another shard's sibling becomes a sibling of its own. Two shards may so explore
 * the same trace, never fewer than the one search: together they reach every trace it reaches.
 */
export interface Partition {
  readonly shard: number;
  readonly shards: number;
  readonly items?: number;
}

/** A wakeup tree node as plain data; `foreign` marks another shard's pending sibling. */
export interface NodeData {
  readonly ev: Event;
  readonly children: NodeData[];
  readonly foreign?: true;
}

/** A branch of the path as plain data (a snapshot's, or one a unit hands back). */
export interface BranchData {
  readonly sleep: Event[];
  readonly wut: NodeData[];
  readonly current: Event;
  readonly sub: NodeData[];
  readonly enabled: Choice[];
  readonly preemptions: number;
  readonly depth: number;
  readonly arrived: number;
}

/**
 * A DPOR search's state between two executions, as plain JSON data: the path's branches with
 * their sleep sets and wakeup trees. `DporStrategy.restore` continues the search from it, so an
 * interrupted run resumes where it stopped (a checkpoint).
 */
export interface DporSnapshot {
  readonly format: 'lockstep-dpor';
  readonly version: 1;
  readonly options: DporOptions;
  readonly warmup: boolean;
  readonly divergence: number;
  readonly done: boolean;
  readonly infeasible: number;
  readonly boundHit: boolean;
  readonly stack: BranchData[];
}

/** A choice as plain data. */
export function choiceData(c: Choice): Choice {
  return { actor: c.actor, alt: c.alt };
}

/** An event as plain data (the search's own may share their arrays). */
export function eventData(e: Event): Event {
  return { actor: e.actor, alt: e.alt, w: [...e.w], r: [...e.r], alts: e.alts, guarded: e.guarded };
}
