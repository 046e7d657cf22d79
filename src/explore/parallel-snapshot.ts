import type { Choice } from '../core/schedule.js';
import type { Branch } from './coordinator.js';
import type { DporMode } from './dpor.js';
import { type BranchData, choiceData, eventData, isKept, type Kept, type NodeData } from './dpor-data.js';
import { asWakeupNode, type Event, mapNodes, type WakeupNode } from './wakeup-tree.js';

// A parallel DPOR search's state as plain JSON data, for a checkpoint: the coordinator's branches
// (src/explore/coordinator.ts) once every unit handed out was applied, and the counts so far.
// `exploreParallel` resumed from it continues to the end one run reaches: every trace explored.

/** A sleep set entry or a sibling handed out, by its place among the branch's siblings. */
export interface EntryData {
  readonly ev: Event;
  readonly idx: number;
}

/** A coordinator branch as data; `up` lists its branches above by their place in the snapshot. */
export interface BranchSnapshot {
  readonly key: number[];
  readonly up: number[];
  readonly prefix: Choice[];
  readonly sleep: EntryData[];
  readonly wut: NodeData[];
  readonly handed: (EntryData & { readonly children: NodeData[] | null })[];
  readonly enabled: Choice[];
  readonly next: number;
  readonly queued: boolean;
  /** The pending sibling that continues a unit: its place in `wut`, and the branches it resumes. */
  readonly cont: { readonly node: number; readonly below: BranchData[] } | null;
}

/** A parallel search's state as JSON data: `ParallelSearch.snapshot`, `exploreParallel`'s `from`. */
export interface ParallelSnapshot {
  readonly format: 'lockstep-parallel-dpor';
  readonly version: 1;
  readonly mode: DporMode;
  readonly units: number;
  readonly infeasible: number;
  readonly extensions: number;
  readonly branches: BranchSnapshot[];
}

/** A wakeup tree as plain data; a lazy chain is walked out. */
export function nodeData(n: WakeupNode | NodeData): NodeData {
  return { ev: eventData(n.ev), children: n.children.map(nodeData) };
}

/** Branches a unit left, as plain data. */
export function branchesData(bs: readonly BranchData[]): BranchData[] {
  return bs.map((b) => ({
    sleep: b.sleep.map(eventData),
    wut: b.wut.map(nodeData),
    current: eventData(b.current),
    sub: b.sub.map(nodeData),
    enabled: b.enabled.map(choiceData),
    preemptions: b.preemptions,
    depth: b.depth,
    arrived: b.arrived,
  }));
}

/**
 * A coordinator branch as data: `at` gives the place of each branch above it, `given` the branches
 * a thread kept for its continuation.
 */
export function branchSnapshot(
  b: Branch,
  at: ReadonlyMap<Branch, number>,
  given: (k: Kept) => readonly BranchData[],
): BranchSnapshot {
  return {
    key: [...b.key],
    up: b.up.map((u) => at.get(u)!),
    prefix: b.prefix.map(choiceData),
    sleep: b.sleep.map((s) => ({ ev: eventData(s.ev), idx: s.idx })),
    wut: b.wut.map(nodeData),
    handed: b.handed.map((h) => ({
      ev: eventData(h.ev),
      idx: h.idx,
      children: h.children === null ? null : h.children.map(nodeData),
    })),
    enabled: b.enabled.map(choiceData),
    next: b.next,
    queued: b.queued,
    cont: b.cont && {
      node: b.wut.indexOf(b.cont.node),
      below: branchesData(isKept(b.cont.below) ? given(b.cont.below) : b.cont.below),
    },
  };
}

/** The branch a snapshot's `d` was, below the branches `made` from those before it. */
export function branchOf(d: BranchSnapshot, made: readonly Branch[]): Branch {
  const wut = mapNodes(d.wut, asWakeupNode);
  return {
    key: d.key,
    up: d.up.map((i) => made[i]!),
    prefix: d.prefix,
    sleep: d.sleep.map((x) => ({ ev: x.ev, idx: x.idx })),
    wut,
    handed: d.handed.map((h) => ({
      ev: h.ev,
      idx: h.idx,
      children: h.children && mapNodes(h.children, asWakeupNode),
    })),
    enabled: d.enabled,
    next: d.next,
    queued: d.queued,
    cont: d.cont && { node: wut[d.cont.node]!, below: d.cont.below },
  };
}
