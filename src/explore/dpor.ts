import type { Op } from '../core/op.js';
import type { Choice } from '../core/schedule.js';
import {
  type Branch,
  branchData,
  restoredBranch,
  resumedBranch,
  unitBranch,
  unitResultOf,
} from './dpor-branch.js';
import {
  type BranchData,
  type DporSnapshot,
  isKept,
  type Partition,
  type Planting,
  type Unit,
  type UnitResult,
} from './dpor-data.js';
import { StepLog } from './step-log.js';
import { type ChoicePoint, fairOrder, type Strategy } from './strategy.js';
import {
  dependent,
  type Event,
  eventOf,
  initials,
  insert,
  NOT_INITIAL,
  noNodes,
  sameEvent,
  type WakeupNode,
  wakeupNode,
  weakInitial,
} from './wakeup-tree.js';

export { dependent, type Event, eventOf } from './wakeup-tree.js';

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
  /** Explore only one shard of a search partitioned into several; see `Partition`. */
  readonly partition?: Partition;
  /** Explore one unit of a parallel search for at most `budget` executions; see `Unit`. */
  readonly unit?: Unit;
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
  private readonly options: DporOptions;
  private readonly bound: number;
  /** True once a schedule over the preemption bound was skipped: the search is then not complete. */
  boundHit = false;
  /** The last execution belongs to another shard: it is not counted. */
  skipped = false;
  private readonly shard: number;
  private readonly shards: number;
  private readonly items: number;
  /** Partitioned: true until the cut, while every shard runs the one search's first executions. */
  private warmup: boolean;
  /** Pending siblings that belong to other shards: put to sleep when reached, never run here. */
  private readonly foreign = new Set<WakeupNode>();
  /** A unit of a parallel search: its item's depth (the prefix's length), or -1. */
  private readonly unitDepth: number;
  private readonly unit: Unit | null;
  private readonly plantings: Planting[] = [];
  /** Per depth at or above the unit's branch, the reversals handed back so far, as a wakeup tree. */
  private readonly sent: WakeupNode[][] = [];
  /** Executions run, for a unit's budget. */
  private ran = 0;
  /** A resumed unit's branches below its item (`Unit.resume`), and how many are on the stack. */
  private readonly resume: readonly BranchData[];
  /**
   * How many: read where the search makes every new branch (`branchAt`), where `resume.length` met
   * two maps of array, `[]` and a list of branches, and threw the compiled code away.
   */
  private readonly resumeCount: number;
  private resumed = 0;

  constructor(options: DporOptions | DporMode = {}) {
    const o = typeof options === 'string' ? { mode: options } : options;
    this.options = o;
    this.mode = o.mode ?? 'optimal';
    this.bound = o.preemptionBound ?? Number.POSITIVE_INFINITY;
    const base = this.mode === 'optimal' ? 'dpor' : 'source-dpor';
    this.name = o.preemptionBound === undefined ? base : `${base}, at most ${o.preemptionBound} preemptions`;
    this.shard = o.partition?.shard ?? 0;
    this.shards = o.partition?.shards ?? 1;
    this.items = o.partition?.items ?? 2 * this.shards;
    this.warmup = this.shards > 1;
    // One shape of unit whoever made it (the coordinator, the codec, a thread that kept its
    // branches): the search's hot paths read it, and each new shape there compiled them again.
    const u = o.unit;
    this.unit = u
      ? { prefix: u.prefix, item: u.item, sleep: u.sleep, above: u.above, budget: u.budget, split: u.split }
      : null;
    this.unitDepth = o.unit?.item ? o.unit.prefix.length : -1;
    const resume = o.unit?.resume ?? [];
    if (isKept(resume)) throw new Error('a unit whose branches another thread keeps');
    this.resume = resume;
    this.resumeCount = resume.length;
    // The prefix's races were handled by the search that scheduled the item; a resumed unit's, up
    // to its deepest branch (the one the earlier unit moved last), by the earlier unit.
    this.divergence = Math.max(0, this.unitDepth, this.resume.at(-1)?.depth ?? 0);
  }

  /** A unit's plantings and the branches left below its item (after its budget ran out). */
  unitResult(): UnitResult {
    const out = this.ran >= (this.unit?.budget ?? Number.POSITIVE_INFINITY);
    return unitResultOf(
      out ? this.stack.slice(this.unitDepth + 1) : [],
      this.plantings,
      this.unit?.split ?? 1,
    );
  }

  /** The state between two executions as plain data, to resume from with `restore`. */
  snapshot(): DporSnapshot {
    return {
      format: 'lockstep-dpor',
      version: 1,
      options: this.options,
      warmup: this.warmup,
      divergence: this.divergence,
      done: this.done,
      infeasible: this.infeasible,
      boundHit: this.boundHit,
      stack: this.stack.map((b) => branchData(b, this.foreign)),
    };
  }

  /** A search that continues from a snapshot; the next execution is the one the snapshot's would have run. */
  static restore(s: DporSnapshot): DporStrategy {
    const d = new DporStrategy(s.options);
    d.warmup = s.warmup;
    d.divergence = s.divergence;
    d.done = s.done;
    d.infeasible = s.infeasible;
    d.boundHit = s.boundHit;
    for (const b of s.stack) d.stack.push(restoredBranch(b, d.foreign));
    return d;
  }

  /** Shards may repeat each other's traces; one search never does. */
  get distinctTraces(): boolean {
    return this.shards === 1;
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
    // The first executions, before the cut, are the one search's: shard 0 counts them.
    this.skipped = this.warmup && this.shard !== 0;
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
    this.stack.length = Math.min(this.stack.length, depth);
    this.advance(true);
    if (this.warmup && (this.done || this.pending() >= this.items)) this.cut();
    // A unit out of budget stops with its branches as they are, for unitResult.
    if (this.unit && ++this.ran >= this.unit.budget && !this.done) this.done = true;
  }

  /**
   * Moves the deepest branch with a sibling left to that sibling (the current step, when `explored`,
   * goes to sleep); pops the branches with none; done when no branch is left.
   */
  private advance(explored: boolean): void {
    let asleep = explored;
    // A unit never moves its prefix or its item: the search that made it does.
    while (this.stack.length > this.unitDepth + 1) {
      const d = this.stack.length - 1;
      const top = this.stack[d]!;
      const sleep = asleep ? [...top.sleep, top.current] : top.sleep.slice();
      asleep = true;
      const next = this.nextFeasible(d, top.wut, top.enabled, sleep);
      if (next) {
        this.stack[d] = {
          ...top,
          sleep,
          current: next.node.ev,
          sub: next.node.children,
          preemptions: next.preemptions,
        };
        this.divergence = d;
        return;
      }
      this.stack.pop();
    }
    this.done = true;
  }

  /** The siblings left to explore on the path, the step about to be taken included. */
  private pending(): number {
    let n = this.done ? 0 : 1;
    for (const b of this.stack) n += b.wut.length;
    return n;
  }

  /**
   * Ends the first executions of a partitioned search: numbers the pending siblings in the order
   * the one search takes them (the deepest branch first: the step about to be taken, then its
   * siblings in order) and keeps this shard's; the others become foreign.
   */
  private cut(): void {
    this.warmup = false;
    if (this.done) return;
    const top = this.stack[this.stack.length - 1]!;
    top.wut.unshift(wakeupNode(top.current, top.sub));
    let i = 0;
    for (let d = this.stack.length - 1; d >= 0; d--) {
      for (const n of this.stack[d]!.wut) if (i++ % this.shards !== this.shard) this.foreign.add(n);
    }
    this.advance(false);
  }

  /**
   * Takes the first scheduled sibling that can run here; drops those that cannot, and puts the
   * foreign ones to sleep (`sleep`, the sleep set the taken sibling will have).
   */
  private nextFeasible(
    depth: number,
    wut: WakeupNode[],
    enabled: readonly Choice[],
    sleep?: Event[],
  ): { node: WakeupNode; preemptions: number } | undefined {
    for (;;) {
      const n = wut.shift();
      if (!n) return undefined;
      if (!enabledIn(enabled, n.ev)) {
        this.infeasible++;
        continue;
      }
      if (this.foreign.delete(n)) {
        sleep?.push(n.ev);
        continue;
      }
      const preemptions = this.preemptionsWith(depth, n.ev, enabled);
      if (preemptions !== null) return { node: n, preemptions };
    }
  }

  /** A new branch at `point.depth`: follow the wakeup subtree handed down, or pick freely. */
  private branchAt(point: ChoicePoint): Branch | null {
    const parent = this.stack[point.depth - 1];
    const enabled = point.choices;
    const d = point.depth;
    if (d <= this.unitDepth || this.resumed < this.resumeCount) {
      const b =
        d <= this.unitDepth
          ? unitBranch(this.unit!, this.unitDepth, point)
          : resumedBranch(this.resume[this.resumed++]!, point);
      this.stack.push(b);
      return b;
    }
    const sleep = parent ? parent.sleep.filter((q) => !dependent(q, parent.current)) : [];
    const sub = parent ? parent.sub : noNodes();
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
        arrived: sleep.length,
      };
      this.stack.push(b);
      return b;
    }
    const free: Event[] = [];
    for (const c of fairOrder(point)) {
      if (!sleep.some((q) => q.actor === c.actor && q.alt === c.alt)) free.push(eventOf(c, point.op(c)));
    }
    for (const current of free) {
      const preemptions = this.preemptionsWith(d, current, enabled);
      if (preemptions === null) continue;
      const b: Branch = {
        sleep,
        wut: noNodes(),
        current,
        sub: noNodes(),
        enabled,
        preemptions,
        depth: d,
        arrived: sleep.length,
      };
      this.stack.push(b);
      return b;
    }
    return null;
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
    if (branch.depth <= this.unitDepth) {
      this.handBack(branch.depth, v);
      return;
    }
    if (this.mode === 'optimal') {
      for (const q of branch.sleep) if (weakInitial(q, v) !== NOT_INITIAL) return;
      // A reversal that would extend another shard's sibling becomes a sibling of this shard's own.
      insert(branch.wut, v, this.foreign.size > 0 ? this.foreign : undefined);
      return;
    }
    const first = initials(v);
    const planned = (e: Event): boolean =>
      sameEvent(e, branch.current) ||
      branch.sleep.some((q) => sameEvent(q, e)) ||
      branch.wut.some((n) => !this.foreign.has(n) && sameEvent(n.ev, e));
    if (first.some(planned)) return;
    branch.wut.push(wakeupNode(first[0]!, noNodes()));
  }

  /**
   * Hands a reversal at or above the unit's branch back to the coordinator, unless what came before
   * the unit's path there covers it, or one handed back already does (the coordinator's check, done
   * here so that the same race found by many executions crosses threads once).
   */
  private handBack(depth: number, v: readonly Event[]): void {
    const unit = this.unit!;
    const before = depth === this.unitDepth ? unit.sleep : (unit.above[depth] ?? []);
    if (this.mode === 'optimal') {
      for (const q of before) if (weakInitial(q, v) !== NOT_INITIAL) return;
      if (!insert((this.sent[depth] ??= noNodes()), v)) return;
    } else {
      const first = initials(v);
      const sent = (this.sent[depth] ??= noNodes());
      if (first.some((e) => before.some((q) => sameEvent(q, e)) || sent.some((n) => sameEvent(n.ev, e))))
        return;
      sent.push(wakeupNode(first[0]!, noNodes()));
    }
    this.plantings.push({ depth, v: v.slice() });
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
