import type { Op } from '../core/op.js';
import type { Choice } from '../core/schedule.js';
import { StepLog } from './step-log.js';
import { type ChoicePoint, preferLast, type Strategy } from './strategy.js';
import {
  dependent,
  type Event,
  eventOf,
  initials,
  insert,
  NOT_INITIAL,
  sameEvent,
  type WakeupNode,
  weakInitial,
} from './wakeup-tree.js';

export { dependent, type Event, eventOf } from './wakeup-tree.js';

/** The state of one branch point on the current path. */
interface Branch {
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
}

/** Options of a DPOR search. */
export interface DporOptions {
  /** `optimal` keeps wakeup trees (each trace once); `source` adds single steps (source sets). */
  readonly mode?: DporMode;
  /**
   * Explore only schedules with at most this many preemptions (a switch away from an actor that
   * could still run), as CHESS's iterative context bounding does; the search is then incomplete
   * whenever a schedule over the bound was skipped.
   */
  readonly preemptionBound?: number;
  /**
   * Splits the search into shards that share nothing: the first `depth` steps are enumerated with
   * sleep sets only, and each path of that length (a unit, numbered in search order) belongs to
   * shard `unit mod shards`, which explores it with DPOR from an empty sleep set. Every shard walks
   * the same units in the same order, so the shards' totals add up to those of one run with the
   * same split depth. Units may run equivalent executions, so a split search counts no traces.
   */
  readonly split?: { readonly depth: number; readonly shard: number; readonly shards: number };
}

function enabledIn(choices: readonly Choice[], ev: Event): boolean {
  for (const c of choices) if (c.actor === ev.actor && c.alt === ev.alt) return true;
  return false;
}

/** Which DPOR: `optimal` keeps wakeup trees (each trace once); `source` adds single steps (source sets). */
export type DporMode = 'optimal' | 'source';

/**
 * Dynamic partial-order reduction, stateless: each execution replays the path to the deepest branch
 * with a sibling left, then runs on. After each step it finds the races of that step, the earlier
 * conflicting steps of other actors it could have run before, and schedules their reversal at the
 * earlier step's branch: `notdep(e, E).e'`, the steps in between that do not depend on the earlier
 * one, then the later one. Optimal DPOR (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014) keeps
 * these as wakeup trees and explores each Mazurkiewicz trace exactly once on programs that do not
 * block; source-DPOR adds one initial step of each reversal, as its Algorithm 1.
 *
 * Blocking steps: a step that can block (a lock, a wait) races with every earlier conflicting step
 * that does not happen before its actor got there, not only the last (the last is often the
 * release that let it run; the reversal that matters is before the acquire), and a step that
 * disables another actor's enabled step schedules that step before it. A scheduled reversal that
 * turns out not to be runnable is dropped. Nondeterministic outcomes of one op are siblings.
 */
export class DporStrategy implements Strategy {
  readonly name: string;
  private readonly stack: Branch[] = [];
  /** Depth from which this execution leaves the previous one; races before it were handled then. */
  private divergence = 0;
  private done = false;
  /**
   * Steps of the current execution with their happens-before; kept across executions, since the
   * next one replays the steps before its divergence (`record` checks that they are the same).
   */
  private readonly log = new StepLog();
  /** Races of the current step, reused. */
  private readonly racing: number[] = [];
  /** The enabled ops at each depth of this execution (from the divergence on), for disabling races. */
  private enabledAt: (readonly Choice[])[] = [];
  /** The pending op of an actor, in the current execution's world. */
  private opOf: ((c: Choice) => Op) | null = null;
  /** The depth of the last `pick` call of this execution. */
  private picked = -1;
  /** Executions abandoned because a scheduled reversal could not run. */
  infeasible = 0;

  readonly mode: DporMode;
  private readonly bound: number;
  /** True once a schedule over the preemption bound was skipped: the search is then not complete. */
  boundHit = false;
  /** The last execution belongs to another shard: it is not counted. */
  skipped = false;
  private readonly splitDepth: number;
  private readonly shard: number;
  private readonly shards: number;
  /** Units (paths of the split depth) met so far, in search order. */
  private unit = -1;

  constructor(options: DporOptions | DporMode = {}) {
    const o = typeof options === 'string' ? { mode: options } : options;
    this.mode = o.mode ?? 'optimal';
    this.bound = o.preemptionBound ?? Number.POSITIVE_INFINITY;
    const base = this.mode === 'optimal' ? 'dpor' : 'source-dpor';
    this.name = o.preemptionBound === undefined ? base : `${base}, at most ${o.preemptionBound} preemptions`;
    this.splitDepth = o.split?.depth ?? 0;
    this.shard = o.split?.shard ?? 0;
    this.shards = o.split?.shards ?? 1;
  }

  /** Units may repeat each other's traces (they start with empty sleep sets); one search never does. */
  get distinctTraces(): boolean {
    return this.splitDepth === 0;
  }

  /** Numbers the unit a branch at the split depth starts with its current step; true if this shard owns it. */
  private claim(): boolean {
    this.unit++;
    return this.unit % this.shards === this.shard;
  }

  /** Preemptions on the path through a branch at `depth` that takes `ev`, or null past the bound. */
  private preemptionsWith(depth: number, ev: Event, enabled: readonly Choice[]): number | null {
    const parent = this.stack[depth - 1];
    if (!parent) return 0;
    const prev = parent.current.actor;
    const pre = ev.actor !== prev && enabled.some((c) => c.actor === prev);
    const n = parent.preemptions + (pre ? 1 : 0);
    if (n <= this.bound) return n;
    this.boundHit = true;
    return null;
  }

  get exhausted(): boolean {
    return this.done;
  }

  beginExecution(): boolean {
    if (this.done) return false;
    if (this.enabledAt.length > this.divergence) this.enabledAt.length = this.divergence;
    this.picked = -1;
    this.skipped = false;
    return true;
  }

  pick(point: ChoicePoint): Choice | null {
    const d = point.depth;
    this.picked = d;
    if (d > 0 && d - 1 >= this.divergence) this.disabledBy(d - 1, point.choices);
    let branch = this.stack[d];
    if (!branch) {
      const made = this.branchAt(point);
      if (made === null) return null;
      branch = made;
    }
    const c = point.choices.find((x) => x.actor === branch.current.actor && x.alt === branch.current.alt)!;
    const ev = eventOf(c, point.op(c));
    branch.current = ev;
    if (d >= this.divergence) {
      this.enabledAt[d] = point.choices;
      this.opOf = point.op;
      if (ev.alts > 1) this.addAlternatives(branch, ev);
    }
    this.record(ev, d);
    return c;
  }

  endExecution(depth: number): void {
    // No pick at `depth`: the execution ended with nothing runnable (or hit a bound).
    if (this.picked < depth && depth > 0 && depth - 1 >= this.divergence) this.disabledBy(depth - 1, []);
    // An execution too short to reach a unit is run by every shard and counted by shard 0.
    if (depth < this.splitDepth && this.shard !== 0) this.skipped = true;
    this.stack.length = Math.min(this.stack.length, depth);
    while (this.stack.length > 0) {
      const d = this.stack.length - 1;
      let top = this.stack[d]!;
      for (;;) {
        const next = this.nextFeasible(d, top.wut, top.enabled);
        if (!next) break;
        top = {
          ...top,
          sleep: [...top.sleep, top.current],
          current: next.node.ev,
          sub: next.node.children,
          preemptions: next.preemptions,
        };
        // Another shard's unit: counted as explored here, so the sleep sets stay the same in every shard.
        if (d === this.splitDepth - 1 && !this.claim()) continue;
        this.stack[d] = top;
        this.divergence = d;
        return;
      }
      this.stack.pop();
    }
    this.done = true;
  }

  /** Takes the first scheduled sibling that can run here; drops those that cannot. */
  private nextFeasible(
    depth: number,
    wut: WakeupNode[],
    enabled: readonly Choice[],
  ): { node: WakeupNode; preemptions: number } | undefined {
    for (;;) {
      const n = wut.shift();
      if (!n) return undefined;
      if (!enabledIn(enabled, n.ev)) {
        this.infeasible++;
        continue;
      }
      const preemptions = this.preemptionsWith(depth, n.ev, enabled);
      if (preemptions !== null) return { node: n, preemptions };
    }
  }

  /** A new branch at `point.depth`: follow the wakeup subtree handed down, or pick freely. */
  private branchAt(point: ChoicePoint): Branch | null {
    const parent = this.stack[point.depth - 1];
    // A unit starts with an empty sleep set: its DPOR must cover every trace from its first state,
    // since the wakeup sequences the races below would plant above the split depth are dropped.
    const sleep =
      parent && point.depth !== this.splitDepth
        ? parent.sleep.filter((q) => !dependent(q, parent.current))
        : [];
    const sub = parent ? parent.sub : [];
    const enabled = point.choices;
    const d = point.depth;
    const n = this.nextFeasible(d, sub, enabled);
    if (n) {
      const b: Branch = {
        sleep,
        wut: sub,
        current: n.node.ev,
        sub: n.node.children,
        enabled,
        preemptions: n.preemptions,
        depth: d,
      };
      this.stack.push(b);
      return b;
    }
    const free: Event[] = [];
    for (const c of preferLast(point.choices, point.last)) {
      if (!sleep.some((q) => q.actor === c.actor && q.alt === c.alt)) free.push(eventOf(c, point.op(c)));
    }
    // Above the split depth every step not asleep is a sibling; below, DPOR adds siblings as races show.
    const siblings = d < this.splitDepth ? free.length : 1;
    for (let i = 0; i < free.length; i++) {
      const current = free[i]!;
      const preemptions = this.preemptionsWith(d, current, enabled);
      if (preemptions === null) continue;
      const wut = free.slice(i + 1, siblings).map((ev) => ({ ev, children: [] }));
      let b: Branch = { sleep, wut, current, sub: [], enabled, preemptions, depth: d };
      if (d === this.splitDepth - 1) {
        const owned = this.claimFirst(b);
        if (!owned) {
          this.skipped = true;
          return null;
        }
        b = owned;
      }
      this.stack.push(b);
      return b;
    }
    return null;
  }

  /** At the split depth: the branch moved on to the first sibling this shard owns, or null. */
  private claimFirst(b: Branch): Branch | null {
    let cur = b;
    for (;;) {
      if (this.claim()) return cur;
      const next = this.nextFeasible(cur.depth, cur.wut, cur.enabled);
      if (!next) return null;
      cur = {
        ...cur,
        sleep: [...cur.sleep, cur.current],
        current: next.node.ev,
        sub: next.node.children,
        preemptions: next.preemptions,
      };
    }
  }

  /** The other outcomes of a nondeterministic op are siblings of the one taken. */
  private addAlternatives(branch: Branch, ev: Event): void {
    for (let alt = 0; alt < ev.alts; alt++) {
      if (alt === ev.alt) continue;
      this.schedule(branch, [{ ...ev, alt }]);
    }
  }

  /** Schedules the steps `v` at `branch` unless its sleep set or a planned sibling covers them. */
  private schedule(branch: Branch, v: readonly Event[]): void {
    // Above the split depth every enabled step is already a sibling.
    if (branch.depth < this.splitDepth) return;
    if (this.mode === 'optimal') {
      for (const q of branch.sleep) if (weakInitial(q, v) !== NOT_INITIAL) return;
      insert(branch.wut, v);
      return;
    }
    const first = initials(v);
    const planned = (e: Event): boolean =>
      sameEvent(e, branch.current) ||
      branch.sleep.some((q) => sameEvent(q, e)) ||
      branch.wut.some((n) => sameEvent(n.ev, e));
    if (first.some(planned)) return;
    branch.wut.push({ ev: first[0]!, children: [] });
  }

  /** Step `d` disabled steps that were enabled before it: schedule each before it. */
  private disabledBy(d: number, now: readonly Choice[]): void {
    const stepper = this.log.event(d).actor;
    const before = this.enabledAt[d];
    if (!before || !this.opOf) return;
    for (const { actor, alt } of before) {
      if (alt !== 0 || actor === stepper || now.some((x) => x.actor === actor)) continue;
      // The actor has not stepped since: its pending op is still the one that was enabled.
      const ev = eventOf({ actor, alt: 0 }, this.opOf({ actor, alt: 0 }));
      for (let alt = 0; alt < ev.alts; alt++) this.schedule(this.stack[d]!, [{ ...ev, alt }]);
    }
  }

  /**
   * Appends step `j`: its clock from the steps it conflicts with, and (past the divergence) its
   * races. A step before the divergence that the log already holds from the previous execution
   * (the same actor and outcome, so the same step) is kept as it is.
   */
  private record(ev: Event, j: number): void {
    const log = this.log;
    if (j < log.size) {
      if (j < this.divergence && sameEvent(log.event(j), ev)) return;
      log.truncate(j);
    }
    log.push(ev);
    if (j >= this.divergence) this.races(ev, j, log.prev(j));
  }

  /** The races of step `j` (its conflicts are the log's candidates) and the reversal each schedules. */
  private races(ev: Event, j: number, prev: number): void {
    const log = this.log;
    const candidates = log.candidates;
    const nc = log.conflicts;
    const racing = this.racing;
    let nr = 0;
    for (let x = 0; x < nc; x++) {
      const c = candidates[x]!;
      if (log.event(c).actor === ev.actor || (prev >= 0 && log.hb(c, prev))) continue;
      let covered = false;
      for (let y = 0; y < nc && !covered; y++) if (y !== x && log.hb(c, candidates[y]!)) covered = true;
      if (!covered) racing[nr++] = c;
    }
    if (ev.guarded) {
      // Every earlier step it conflicts with through an object, newest first.
      const n = log.conflicting(ev, j);
      for (let h = 0; h < n; h++) {
        const c = log.history[h]!;
        if (log.event(c).actor === ev.actor || (prev >= 0 && log.hb(c, prev))) continue;
        let known = false;
        for (let y = 0; y < nr && !known; y++) if (racing[y] === c) known = true;
        if (!known) racing[nr++] = c;
      }
    }
    for (let x = 0; x < nr; x++) {
      const i = racing[x]!;
      const v: Event[] = [];
      for (let k = i + 1; k < j; k++) if (!log.hb(i, k)) v.push(log.event(k));
      v.push(ev);
      this.schedule(this.stack[i]!, v);
    }
  }
}
