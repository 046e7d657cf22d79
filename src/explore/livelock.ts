import type { Op } from '../core/op.js';
import { type ProgressLog, progressSlot } from '../core/progress.js';
import type { Choice } from '../core/schedule.js';
import type { World } from '../core/world.js';
import type { Outcome } from './execute.js';

/** Steps without progress after which a fair execution is declared a livelock (`--livelock-bound`). */
export const DEFAULT_LIVELOCK_BOUND = 1000;

/** One step of a livelock's repeating cycle. */
export interface CycleStep {
  /** 1-based step number in the execution. */
  readonly index: number;
  readonly actor: number;
  readonly alt: number;
  /** The op the step ran. */
  readonly label: string;
}

/** The steps a livelocked execution repeats, as the monitor saw them. */
export interface LivelockCycle {
  /** Steps run without progress when the livelock was declared: the bound. */
  readonly window: number;
  /** 1-based step number of the first step without progress. */
  readonly from: number;
  /** Length of one turn of the cycle: the shortest period of the window's last half. */
  readonly period: number;
  /** False when no period repeats at least twice in the window's last half (then `steps` is that half). */
  readonly periodic: boolean;
  /** 1-based step number from which the schedule repeats with `period` up to its end. */
  readonly since: number;
  /** One turn of the cycle: the execution's last `period` steps. */
  readonly steps: readonly CycleStep[];
  /** The actors that run in the cycle, by id. */
  readonly actors: readonly number[];
}

/** What the fair order needs once an execution spins: the step at which each actor last ran. */
export interface FairHint {
  /** By actor id; undefined for an actor that has not run. */
  readonly lastRan: readonly number[];
}

/** The shortest p such that `keys[i] === keys[i + p]` throughout (the prefix function of KMP). */
export function shortestPeriod(keys: readonly number[]): number {
  const n = keys.length;
  if (n === 0) return 0;
  const pi = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    let k = pi[i - 1]!;
    while (k > 0 && keys[i] !== keys[k]) k = pi[k - 1]!;
    if (keys[i] === keys[k]) k++;
    pi[i] = k;
  }
  return n - pi[n - 1]!;
}

/**
 * Watches one execution for a livelock: `bound` steps in a row with no progress event (an actor
 * finishing, a model's progress point, a syscall returning success: `markProgress`), in a window
 * whose last half is fair: every actor enabled at each of its steps ran in it. An unfair window
 * (an exhaustive search's planted branch starved an actor) ends the execution as `unfair`, no bug.
 *
 * It also drives the fair scheduler: once half the bound has passed without progress, `observe`
 * hands the strategy the step at which each actor last ran, and `fairOrder` (strategy.ts) then
 * prefers the actor that ran least recently: round-robin among the enabled actors, so the window
 * is fair unless a planted branch decided otherwise (CHESS's fair scheduling, Musuvathi and
 * Qadeer, PLDI 2008, with a bound in place of its yield counting).
 */
export class LivelockMonitor {
  private readonly log: ProgressLog;
  private seen: number;
  /** 0-based step number of the window's first step: the first step since the last progress. */
  private start = 0;
  private readonly choices: Choice[] = [];
  private readonly labels: string[] = [];
  private readonly lastRan: number[] = [];
  /** The last choice point at which each actor was enabled, and since when without a gap. */
  private readonly enabledAt: number[] = [];
  private readonly enabledSince: number[] = [];
  private readonly spinAfter: number;
  private readonly hint: FairHint;

  constructor(
    private readonly world: World,
    private readonly bound: number,
  ) {
    this.log = world.slot(progressSlot);
    this.seen = this.log.count;
    this.spinAfter = Math.floor(bound / 2);
    this.hint = { lastRan: this.lastRan };
  }

  /**
   * The fair hint for the choice point before step `depth` once the execution spins (half the bound
   * without progress), and from then on who is enabled there: the fair window is that second half,
   * so the engine pays nothing more per step before it.
   */
  observe(choices: readonly Choice[], depth: number): FairHint | null {
    if (depth - this.start < this.spinAfter) return null;
    for (const { actor } of choices) {
      if (this.enabledAt[actor] === depth) continue;
      if (this.enabledAt[actor] !== depth - 1) this.enabledSince[actor] = depth;
      this.enabledAt[actor] = depth;
    }
    return this.hint;
  }

  /** After step `depth` (0-based) ran `op`: the outcome that ends the execution, or null to go on. */
  after(c: Choice, op: Op, depth: number): Outcome | null {
    this.lastRan[c.actor] = depth;
    if (this.log.count !== this.seen || this.world.actors[c.actor]!.pending === null) {
      this.seen = this.log.count;
      this.start = depth + 1;
      this.choices.length = 0;
      this.labels.length = 0;
      return null;
    }
    if (depth - this.start < this.spinAfter) return null;
    this.choices.push(c);
    this.labels.push(op.label);
    return depth - this.start + 1 < this.bound ? null : this.judge(depth);
  }

  /**
   * The window is full: a livelock if its second half was fair (every actor enabled at each of its
   * steps ran in it: the fair scheduler's part, where the cycle is read), else an unfair cut.
   */
  private judge(depth: number): Outcome {
    const from = this.start + this.spinAfter;
    const starved: number[] = [];
    for (let a = 0; a < this.world.actors.length; a++) {
      const throughout = this.enabledAt[a] === depth && this.enabledSince[a]! <= from;
      if (throughout && (this.lastRan[a] ?? -1) < from) starved.push(a);
    }
    if (starved.length > 0) return { kind: 'unfair', starved };
    const blocked = this.world.blocked().map((a) => a.id);
    return { kind: 'livelock', blocked, cycle: this.cycle() };
  }

  /** The cycle of the window's second half (the steps kept): its shortest period, if one repeats twice. */
  private cycle(): LivelockCycle {
    const ids = new Map<string, number>();
    const keys = this.choices.map((c, i) => {
      const k = `${c.actor}.${c.alt}:${this.labels[i]!}`;
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      return id;
    });
    const n = keys.length;
    const p = shortestPeriod(keys);
    const periodic = p * 2 <= n;
    const period = periodic ? p : n;
    // Step numbers: the kept steps start `spinAfter` steps into the window.
    const base = this.start + this.spinAfter + 1;
    const steps: CycleStep[] = [];
    for (let k = n - period; k < n; k++) {
      const c = this.choices[k]!;
      steps.push({ index: base + k, actor: c.actor, alt: c.alt, label: this.labels[k]! });
    }
    const actors = [...new Set(steps.map((s) => s.actor))].sort((a, b) => a - b);
    return {
      window: this.bound,
      from: this.start + 1,
      period,
      periodic,
      since: periodic ? base : base + n - period,
      steps,
      actors,
    };
  }
}
