import { Prng } from '../core/prng.js';
import type { Choice } from '../core/schedule.js';
import type { ChoicePoint, Strategy } from './strategy.js';

/** Options of a PCT search. */
export interface PctOptions {
  /** Seed of the strategy's PRNG: the same seed gives the same executions. */
  readonly seed: number;
  /** Bug depth `d` targeted: d - 1 priority change points per execution (default 3). */
  readonly depth?: number;
  /** Estimate of the execution length `k` used until an execution has been seen (default 64). */
  readonly steps?: number;
}

/** The bug depth PCT targets when none is given. */
export const DEFAULT_PCT_DEPTH = 3;

const DEFAULT_STEPS = 64;

/**
 * Probabilistic Concurrency Testing: Burckhardt, Kothari, Musuvathi and Nagarakatte, "A Randomized
 * Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010.
 *
 * Each execution gives every actor a distinct random priority of at least `d` (an actor created
 * during the execution gets one when it first appears among the choices, at a uniformly random
 * rank among the actors already ranked), and draws `d - 1` priority change points uniformly in
 * `[1, k]`, where `k` is the longest execution seen so far. The highest-priority enabled actor
 * always runs; when step number `k_i` comes, the actor that would run it drops to priority `i`,
 * below every initial priority, before the choice is made again. Which outcome a
 * nondeterministic op takes is drawn uniformly.
 *
 * For a bug of depth `d` (one that needs `d` ordering constraints between steps to show), in a
 * program of `n` actors and at most `k` steps, one execution finds it with probability at least
 * `1 / (n * k^(d-1))` (the paper's Theorem 1), whatever the bug: `n * k^(d-1)` executions find it
 * with probability at least 1 - 1/e. The search never completes: `exhausted` stays false.
 */
export class PctStrategy implements Strategy {
  readonly name = 'pct';
  readonly exhausted = false;
  /** The bug depth `d`. */
  readonly depth: number;
  private readonly prng: Prng;
  /** The current estimate `k` of the execution length. */
  private k: number;
  private longest = 0;
  /** Actors with their initial priority, lowest first: priority = depth + index. */
  private ranking: number[] = [];
  /** Actors dropped at a change point, with their new priority (1 .. depth - 1). */
  private readonly dropped = new Map<number, number>();
  /** Step numbers (1-based) of the change points; entry i - 1 drops to priority i. */
  private changes: number[] = [];

  constructor(options: PctOptions) {
    const depth = options.depth ?? DEFAULT_PCT_DEPTH;
    if (!Number.isInteger(depth) || depth < 1)
      throw new RangeError(`PCT depth must be a positive integer, not ${depth}`);
    this.depth = depth;
    this.k = Math.max(1, options.steps ?? DEFAULT_STEPS);
    this.prng = new Prng(options.seed);
  }

  /** The change points of the current execution, as step numbers (for tests and reports). */
  get changePoints(): readonly number[] {
    return this.changes;
  }

  beginExecution(): boolean {
    this.ranking = [];
    this.dropped.clear();
    this.changes = [];
    // Distinct change points when there are enough steps for them (the paper draws distinct ones).
    const want = this.depth - 1;
    while (this.changes.length < want) {
      const s = 1 + this.prng.below(this.k);
      if (this.changes.includes(s) && this.k >= want) continue;
      this.changes.push(s);
    }
    return true;
  }

  pick(point: ChoicePoint): Choice {
    for (const c of point.choices) this.rank(c.actor);
    const step = point.depth + 1;
    let actor = this.highest(point.choices);
    this.changes.forEach((s, i) => {
      if (s !== step) return;
      this.drop(actor, i + 1);
      actor = this.highest(point.choices);
    });
    const alts = point.choices.filter((c) => c.actor === actor);
    return alts.length === 1 ? alts[0]! : alts[this.prng.below(alts.length)]!;
  }

  endExecution(depth: number): void {
    if (depth > this.longest) {
      this.longest = depth;
      this.k = depth;
    }
  }

  /** Gives an actor seen for the first time an initial priority at a random rank. */
  private rank(actor: number): void {
    if (this.dropped.has(actor) || this.ranking.includes(actor)) return;
    this.ranking.splice(this.prng.below(this.ranking.length + 1), 0, actor);
  }

  private drop(actor: number, priority: number): void {
    const at = this.ranking.indexOf(actor);
    if (at >= 0) this.ranking.splice(at, 1);
    this.dropped.set(actor, priority);
  }

  private priority(actor: number): number {
    return this.dropped.get(actor) ?? this.depth + this.ranking.indexOf(actor);
  }

  /** The enabled actor with the highest priority. */
  private highest(choices: readonly Choice[]): number {
    let best = choices[0]!.actor;
    let bestPriority = this.priority(best);
    for (const c of choices) {
      const p = this.priority(c.actor);
      if (p > bestPriority) {
        best = c.actor;
        bestPriority = p;
      }
    }
    return best;
  }
}
