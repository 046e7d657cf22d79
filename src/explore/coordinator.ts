import type { Choice } from '../core/schedule.js';
import type { DporMode } from './dpor.js';
import {
  type BranchData,
  isKept,
  type Kept,
  type Planting,
  type Resume,
  type Unit,
  type UnitResult,
} from './dpor-data.js';
import { Heap } from './heap.js';
import { branchOf, branchSnapshot, type ParallelSnapshot } from './parallel-snapshot.js';
import {
  asWakeupNode,
  covers,
  type Event,
  initials,
  insert,
  mapNodes,
  NOT_INITIAL,
  noNodes,
  sameEvent,
  type WakeupNode,
  wakeupNode,
  weakInitial,
} from './wakeup-tree.js';

// The coordinator of parallel DPOR (its window of units runs in ./parallel.ts). It keeps the
// branches of the one search whose siblings are still to explore and hands out their siblings, in
// the order the one search takes them, as units: a unit runs a sibling's subtree for a budget of executions and hands back the
// reversals it scheduled at or above its branch, and the branches it has not finished. The
// coordinator applies what units hand back in the order it handed them out; after each, it tops
// the units in flight up to the window. What is handed out so depends only on what was applied
// before, never on which thread ran what or when: the same input gives the same result. A slow
// unit holds back the application of later ones, not the threads, while the window is not full.
//
// The one search would have run a sibling only after the earlier ones were done, and a reversal one
// of them schedules may land in a later sibling's wakeup tree. When that sibling already runs
// elsewhere, the reversal becomes a new sibling of its own (an extension): the parallel search may
// so run a trace twice, never miss one.

/** A sleep set entry of a coordinator branch: the sibling's event and its place among the siblings. */
interface Entry {
  readonly ev: Event;
  /** -1 for the entries the branch had on arrival (explored by an earlier branch). */
  readonly idx: number;
}

/** A sibling handed out (or running elsewhere): its wakeup subtree, or null when unknown. */
interface Handed {
  readonly ev: Event;
  readonly idx: number;
  readonly children: WakeupNode[] | null;
}

export interface Branch {
  readonly key: readonly number[];
  /** The branches above it, one per depth of its key. */
  readonly up: readonly Branch[];
  readonly prefix: readonly Choice[];
  readonly sleep: Entry[];
  readonly wut: WakeupNode[];
  readonly handed: Handed[];
  readonly enabled: readonly Choice[];
  /** The place of the next sibling handed out. */
  next: number;
  /** It is in the heap of branches with siblings to hand out. */
  queued: boolean;
  /** A pending sibling that goes on from where a unit stopped, and the branches it resumes. */
  cont: { readonly node: WakeupNode; readonly below: Resume } | null;
}

/** A unit with its place in the one search's order: the sibling indices along its path. */
export interface WorkUnit extends Unit {
  readonly key: readonly number[];
  /** The coordinator's branches on its path, one per depth of its key. */
  readonly path: readonly Branch[];
}

/** Units handed out between two prunings. */
const PRUNE_EVERY = 32;

/** Open branches a unit hands over when it was handed out with none left pending (`Unit.split`). */
const STARVED_SPLIT = 8;

/**
 * The first unit's budget; each next one gets twice the last, up to the search's (deterministic).
 * Until the first unit hands back, no other thread has work: on falloc-dio loops=4, a first unit
 * of 1,024 executions kept the worker idle 1.3 s. Large later units keep the cost per unit low.
 */
const FIRST_BUDGET = 8;

/**
 * Whether the next sibling of branch `a` comes before that of `b` in the one search's order: their
 * keys (the branch's key, then its next sibling's index) compared lexicographically.
 */
function before(a: Branch, b: Branch): boolean {
  const n = Math.min(a.key.length, b.key.length);
  for (let i = 0; i < n; i++) if (a.key[i] !== b.key[i]) return a.key[i]! < b.key[i]!;
  const x = a.key.length === n ? a.next : a.key[n]!;
  const y = b.key.length === n ? b.next : b.key[n]!;
  if (x !== y) return x < y;
  return a.key.length < b.key.length;
}

const choice = (e: Event): Choice => ({ actor: e.actor, alt: e.alt });

/** The coordinator's side of a parallel DPOR search. */
export class ParallelSearch {
  private readonly branches = new Set<Branch>();
  /** Branches with siblings still to hand out, the first in the one search's order on top. */
  private readonly pending = new Heap<Branch>(before);
  private started = false;
  /** Units handed out since the last pruning. */
  private sincePrune = 0;
  /** The budget of the next unit handed out (`FIRST_BUDGET`). */
  private ramp = FIRST_BUDGET;
  /** Scheduled siblings dropped because they could not run where they were scheduled. */
  infeasible = 0;
  /** Reversals that landed in a sibling already running elsewhere and became siblings of their own. */
  extensions = 0;

  constructor(
    readonly mode: DporMode,
    readonly budget: number,
  ) {}

  /**
   * The next units, at most `k`, in the order the one search would explore them; none when none is
   * pending. `running`: the units handed out whose results are not applied yet; `left`: the
   * executions they may run in all (a unit's budget is cut to what is left).
   */
  take(k: number, running: readonly WorkUnit[], left = Number.POSITIVE_INFINITY): WorkUnit[] {
    if (left <= 0) return [];
    if (!this.started) {
      this.started = true;
      return [
        {
          key: [],
          path: [],
          prefix: [],
          item: null,
          sleep: [],
          above: [],
          budget: this.nextBudget(left),
          split: STARVED_SPLIT,
          resume: undefined,
        },
      ];
    }
    if (this.sincePrune >= PRUNE_EVERY || this.pending.size === 0) {
      this.sincePrune = 0;
      this.prune(running);
    }
    const out: WorkUnit[] = [];
    while (out.length < k && left > 0) {
      const first = this.pending.pop();
      if (!first) break;
      const item = first.wut.shift()!;
      const resume = first.cont?.node === item ? first.cont.below : null;
      if (resume) first.cont = null;
      const feasible = first.enabled.some((c) => c.actor === item.ev.actor && c.alt === item.ev.alt);
      const idx = feasible ? first.next++ : -1;
      // Back into the heap at its new place (`next` moved), while it has siblings left.
      if (first.wut.length > 0) this.pending.push(first);
      else first.queued = false;
      if (!feasible) {
        this.infeasible++;
        continue;
      }
      const key = [...first.key, idx];
      const path = [...first.up, first];
      const budget = this.nextBudget(left);
      left -= budget;
      // The unit shares the sibling's tree with the coordinator, which checks the reversals that
      // land in the sibling later against it (`plant`): the thread that runs the unit copies it
      // (`unitSteps`), or packs it (a copy) to send it to a worker.
      out.push({
        key,
        path,
        prefix: first.prefix,
        item,
        sleep: first.sleep.map((e) => e.ev),
        above: path.slice(0, -1).map((b, e) => b.sleep.filter((s) => s.idx < key[e]!).map((s) => s.ev)),
        budget,
        // With nothing left pending, the threads would soon have nothing to run but this unit's
        // continuation: it hands over more of its open branches.
        split: this.pending.size === 0 ? STARVED_SPLIT : 1,
        // Every unit has the field, so that the code that reads units sees one shape: on two
        // threads, `apply` was compiled again eleven times over units with and without it.
        resume: resume ?? undefined,
      });
      this.sincePrune++;
      first.sleep.push({ ev: item.ev, idx });
      // A resumed sibling's subtree is partly explored: what is left of it is not known here.
      first.handed.push({ ev: item.ev, idx, children: resume ? null : item.children });
    }
    return out;
  }

  /** The next unit's budget, at most `left` executions. */
  private nextBudget(left: number): number {
    const budget = Math.min(this.budget, this.ramp, left);
    if (this.ramp < this.budget) this.ramp *= 2;
    return budget;
  }

  /**
   * Forgets what no unit will consult again. Every later unit runs below a running unit or is a
   * sibling of a pending branch or below one: a branch none of them is at or below is done, and a
   * sibling handed out is only consulted by the plantings of units from earlier siblings (`plant`),
   * so one before the earliest sibling still live at its branch is dropped. Without this, the
   * subtrees handed out would pile up over the run (lastzero(14): 680,000 nodes).
   */
  private prune(running: readonly WorkUnit[]): void {
    const live = new Map<Branch, number>();
    const note = (b: Branch, idx: number): void => {
      const m = live.get(b);
      if (m === undefined || idx < m) live.set(b, idx);
    };
    const path = (up: readonly Branch[], key: readonly number[]): void => {
      for (let e = 0; e < up.length; e++) note(up[e]!, key[e]!);
    };
    for (const p of this.pending.values()) {
      note(p, p.next);
      path(p.up, p.key);
    }
    for (const u of running) path(u.path, u.key);
    for (const b of this.branches) {
      const m = live.get(b);
      if (m === undefined) this.branches.delete(b);
      else if (b.handed.length > 0 && b.handed[0]!.idx <= m) {
        const keep = b.handed.filter((h) => h.idx > m);
        b.handed.length = 0;
        b.handed.push(...keep);
      }
    }
  }

  /** What the coordinator keeps: its branches, and the siblings handed out it may still consult. */
  kept(): { branches: number; handed: number } {
    let handed = 0;
    for (const b of this.branches) handed += b.handed.length;
    return { branches: this.branches.size, handed };
  }

  /** Whether nothing is left to hand out (with no unit in flight: the search is done). */
  finished(): boolean {
    return this.started && this.pending.size === 0;
  }

  /** The branches threads keep for pending continuations: `snapshot` needs them as data. */
  keptBelow(): Kept[] {
    const out: Kept[] = [];
    for (const b of this.branches) if (b.cont && isKept(b.cont.below)) out.push(b.cont.below);
    return out;
  }

  /**
   * The search's state as data, once every unit handed out was applied (pruned first: it goes on
   * as it would have); `given` gives the branches a thread kept (`keptBelow`). A branch's place in
   * the list comes after those above it.
   */
  snapshot(units: number, given: (k: Kept) => readonly BranchData[]): ParallelSnapshot {
    this.prune([]);
    const order: Branch[] = [];
    const at = new Map<Branch, number>();
    const add = (b: Branch): void => {
      if (at.has(b)) return;
      for (const u of b.up) add(u);
      at.set(b, order.length);
      order.push(b);
    };
    for (const b of this.branches) add(b);
    const branches = order.map((b) => branchSnapshot(b, at, given));
    const { mode, infeasible, extensions } = this;
    return { format: 'lockstep-parallel-dpor', version: 1, mode, units, infeasible, extensions, branches };
  }

  /** The search a snapshot was taken of, to go on handing out units from there. */
  static restore(s: ParallelSnapshot, budget: number): ParallelSearch {
    const p = new ParallelSearch(s.mode, budget);
    p.started = true;
    p.infeasible = s.infeasible;
    p.extensions = s.extensions;
    const made: Branch[] = [];
    for (const d of s.branches) {
      const b = branchOf(d, made);
      made.push(b);
      p.branches.add(b);
      if (b.queued) p.pending.push(b);
    }
    return p;
  }

  /** Applies a finished unit's plantings and adopts its unfinished branches. */
  apply(unit: WorkUnit, result: UnitResult): void {
    for (const p of result.plantings) this.plant(unit, p);
    this.adopt(unit, result.branches, result.below);
  }

  private plant(unit: WorkUnit, p: Planting): void {
    const b = unit.path[p.depth]!;
    const own = unit.key[p.depth]!;
    const v = p.v;
    if (this.mode === 'source') {
      // Every sibling handed out, explored or on the unit's path counts as planned, as in the one search.
      const planned = (e: Event): boolean =>
        b.sleep.some((s) => sameEvent(s.ev, e)) || b.wut.some((n) => sameEvent(n.ev, e));
      if (initials(v).some(planned)) return;
      this.push(b, wakeupNode(initials(v)[0]!, noNodes()));
      return;
    }
    for (const s of b.sleep) if (s.idx < own && weakInitial(s.ev, v) !== NOT_INITIAL) return;
    // Siblings after the unit's own that run already: the one search would still have had them
    // pending, and the reversal would have gone into their wakeup tree.
    for (const h of b.handed) {
      if (h.idx <= own) continue;
      const at = weakInitial(h.ev, v);
      if (at === NOT_INITIAL) continue;
      if (h.children !== null && h.children.length === 0) return;
      const rest = v.slice();
      if (at < rest.length) rest.splice(at, 1);
      if (rest.length === 0) return;
      // Covered by the sibling's tree as it was handed out, or by that of a sibling made of the
      // reversals that landed in it before (handed out since). The trees stay as they were handed
      // out: the reversals go into the one pending sibling that gathers them.
      if (h.children !== null && covers(h.children, rest)) return;
      for (const x of b.handed) {
        if (x.idx <= h.idx || x.children === null || !sameEvent(x.ev, h.ev)) continue;
        if (x.children.length === 0 || covers(x.children, rest)) return;
      }
      this.extensions++;
      this.insert(b, [at < v.length ? v[at]! : h.ev, ...rest]);
      return;
    }
    this.insert(b, v);
  }

  private insert(b: Branch, v: readonly Event[]): void {
    if (insert(b.wut, v)) this.queue(b);
  }

  private push(b: Branch, n: WakeupNode): void {
    b.wut.push(n);
    this.queue(b);
  }

  private queue(b: Branch): void {
    if (b.queued) return;
    b.queued = true;
    this.pending.push(b);
  }

  /**
   * Takes over a unit's unfinished branches down to where the unit split them (its `split`-th
   * branch with siblings left, `UnitResult`): their siblings are handed out from here, and the last
   * one's current step, with the branches `below` it as the unit left them, goes on as one unit
   * (`Unit.resume`). The small subtrees deep on the path so run in that one unit, in the one
   * search's order, not in a unit each.
   */
  private adopt(unit: WorkUnit, data: readonly BranchData[], below: Resume | null): void {
    const prefix = [...unit.prefix, ...(unit.item ? [choice(unit.item.ev)] : [])];
    const key = [...unit.key];
    const up = [...unit.path];
    const cut = data.length - 1;
    data.forEach((d, i) => {
      const explored = d.sleep.length - d.arrived;
      const b: Branch = {
        key: key.slice(),
        up: up.slice(),
        prefix: prefix.slice(),
        sleep: d.sleep.map((ev, j) => ({ ev, idx: j < d.arrived ? -1 : j - d.arrived })),
        wut: mapNodes(d.wut, asWakeupNode),
        handed: [],
        enabled: d.enabled,
        next: explored,
        queued: false,
        cont: null,
      };
      if (i === cut) {
        // The deepest branch's current step is the next execution's: its subtree is all to do.
        const node = wakeupNode(d.current, below === null ? mapNodes(d.sub, asWakeupNode) : noNodes());
        b.wut.unshift(node);
        if (below !== null) b.cont = { node, below };
      } else {
        // On the path: its subtree goes on in the branches below.
        b.sleep.push({ ev: d.current, idx: explored });
        b.handed.push({ ev: d.current, idx: explored, children: null });
        b.next = explored + 1;
      }
      this.branches.add(b);
      if (b.wut.length > 0) this.queue(b);
      up.push(b);
      prefix.push(choice(d.current));
      key.push(explored);
    });
  }
}
