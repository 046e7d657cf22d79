import type { Choice } from '../core/schedule.js';
import {
  type BranchData,
  choiceData,
  eventData,
  type NodeData,
  type Unit,
  type UnitResult,
} from './dpor-data.js';
import type { ChoicePoint } from './strategy.js';
import {
  asWakeupNode,
  type Event,
  eventOf,
  mapNodes,
  noNodes,
  type WakeupNode,
  wakeupNode,
} from './wakeup-tree.js';

// The branch points of a DPOR search's path (src/explore/dpor.ts), and how they become plain data
// and back: for a snapshot (checkpoint), and for the units of a parallel search, which start on a
// prefix, or resume the branches an earlier unit left, and hand back those they did not finish.

/** The state of one branch point on the current path. */
export interface Branch {
  /** Sleep set: on arrival, plus the siblings explored since; their schedules from here are covered. */
  readonly sleep: Event[];
  /** Siblings still to explore, as a wakeup tree (source-DPOR: single steps). */
  readonly wut: WakeupNode[];
  /** The step this branch takes in the current execution. */
  current: Event;
  /** The wakeup subtree to follow after `current`, handed to the next branch when it is made. */
  sub: WakeupNode[];
  /** The choices enabled here: a scheduled sibling that is not among them cannot run and is dropped. */
  readonly enabled: readonly Choice[];
  /** Preemptions on the path up to and including this branch's step. */
  readonly preemptions: number;
  readonly depth: number;
  /** How many of `sleep`'s entries it had on arrival; the rest are siblings explored here since. */
  readonly arrived: number;
}

/** A branch as plain data; a wakeup node in `foreign` (another shard's) is marked so. */
export function branchData(b: Branch, foreign: ReadonlySet<WakeupNode>): BranchData {
  const node = (n: WakeupNode): NodeData => ({
    ev: n.ev,
    children: n.children.map(node),
    ...(foreign.has(n) ? { foreign: true as const } : {}),
  });
  return {
    sleep: b.sleep.slice(),
    wut: b.wut.map(node),
    current: b.current,
    sub: b.sub.map(node),
    enabled: b.enabled.map(choiceData),
    preemptions: b.preemptions,
    depth: b.depth,
    arrived: b.arrived,
  };
}

/** A snapshot's branch as the search's own; `foreign` gets the nodes marked as another shard's. */
export function restoredBranch(b: BranchData, foreign: Set<WakeupNode>): Branch {
  const node = (n: NodeData): WakeupNode => {
    const m = wakeupNode(eventData(n.ev), n.children.map(node));
    if (n.foreign) foreign.add(m);
    return m;
  };
  return {
    ...b,
    sleep: b.sleep.map(eventData),
    wut: b.wut.map(node),
    current: eventData(b.current),
    sub: b.sub.map(node),
  };
}

/** A unit's branch at `point` on its prefix, or at its item's (`point.depth` is `unitDepth`). */
export function unitBranch(unit: Unit, unitDepth: number, point: ChoicePoint): Branch {
  const d = point.depth;
  const item = d === unitDepth ? unit.item! : null;
  const c = item ? { actor: item.ev.actor, alt: item.ev.alt } : unit.prefix[d]!;
  const sleep = item ? unit.sleep.slice() : [];
  return {
    sleep,
    wut: noNodes(),
    current: eventOf(c, point.op(c)),
    sub: item ? item.children : noNodes(),
    enabled: point.choices,
    preemptions: 0,
    depth: d,
    arrived: sleep.length,
  };
}

/** A resumed unit's branch at `point`, as the earlier unit left it (`Unit.resume`). */
export function resumedBranch(r: BranchData, point: ChoicePoint): Branch {
  if (r.depth !== point.depth) {
    throw new Error(`resumed unit: branch at depth ${r.depth} replayed at ${point.depth}`);
  }
  return {
    sleep: r.sleep.slice(),
    wut: mapNodes(r.wut, asWakeupNode),
    current: r.current,
    sub: mapNodes(r.sub, asWakeupNode),
    enabled: point.choices,
    preemptions: r.preemptions,
    depth: r.depth,
    arrived: r.arrived,
  };
}

/**
 * What a unit out of budget hands back: its branches below the item, split where the coordinator
 * takes over (the `split`-th branch with siblings left from the top, or the deepest open one, or
 * the deepest), so that the small subtrees deep on the path go on in one unit, in the one
 * search's order. The search ends with the unit: its trees are handed over as they are.
 */
export function unitResultOf(
  below: readonly Branch[],
  plantings: UnitResult['plantings'],
  split: number,
): UnitResult {
  const data = below.map(
    (b): BranchData => ({
      sleep: b.sleep,
      wut: b.wut,
      current: b.current,
      sub: b.sub,
      enabled: b.enabled.slice(),
      preemptions: b.preemptions,
      depth: b.depth,
      arrived: b.arrived,
    }),
  );
  let found = -1;
  for (let i = 0, open = 0; i < data.length && open < split; i++) {
    if (data[i]!.wut.length === 0) continue;
    found = i;
    open++;
  }
  if (found < 0 || found === data.length - 1) return { plantings, branches: data, below: null };
  return { plantings, branches: data.slice(0, found + 1), below: data.slice(found + 1) };
}
