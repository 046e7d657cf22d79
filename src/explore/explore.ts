import type { Choice } from '../core/schedule.js';
import { type Execution, execute, type Model, type Outcome } from './execute.js';
import type { Strategy } from './strategy.js';

/** Bounds of an exploration; every bound that cuts the search is reported. */
export interface ExploreLimits {
  /** Executions to run at most. */
  readonly maxExecutions: number;
  /** Steps per execution at most; a longer execution is cut and the search is incomplete. */
  readonly maxSteps: number;
  /** Steps without progress that make a livelock (or an unfair cut); 0 turns the check off. Default 1000. */
  readonly livelockBound?: number;
}

/** Why an exploration stopped. */
export type StopReason = 'exhausted' | 'found' | 'max-executions' | 'max-time' | 'interrupted';

/** Progress of a running exploration, as `onProgress` sees it. */
export interface ExploreProgress {
  readonly executions: number;
  readonly steps: number;
  readonly maxDepth: number;
  readonly traces: number;
}

/**
 * Hooks of a long run; the engine keeps no clock, so the caller decides when to stop
 * (`--max-time`, Ctrl-C) and how often to report.
 */
export interface ExploreHooks {
  /** Called every `every` executions (default `PROGRESS_EVERY`). */
  readonly onProgress?: (p: ExploreProgress) => void;
  readonly every?: number;
  /** Asked between executions; a reason stops the run there, with a partial result. */
  readonly shouldStop?: () => 'max-time' | 'interrupted' | null;
}

/** The counts a resumed exploration starts from: those of the run it continues. */
export interface ExploreCounts {
  readonly executions: number;
  readonly steps: number;
  readonly maxDepth: number;
  readonly cut: number;
  readonly pruned: number;
  readonly unfair?: number;
}

/** A problem found: how the execution ended and the schedule that leads there. */
export interface Counterexample {
  readonly outcome: Exclude<
    Outcome,
    { kind: 'ok' } | { kind: 'bound' } | { kind: 'pruned' } | { kind: 'unfair' }
  >;
  readonly schedule: readonly Choice[];
}

/** What an exploration did and found. */
export interface ExploreResult {
  readonly strategy: string;
  readonly executions: number;
  readonly steps: number;
  readonly maxDepth: number;
  /** Executions cut by the per-execution step bound. */
  readonly cut: number;
  /** Executions abandoned by sleep sets (their every continuation was explored elsewhere). */
  readonly pruned: number;
  /**
   * Executions cut at the livelock bound in a window that starved an enabled actor (a planted
   * branch of the search, not the fair scheduler). They do not make the search incomplete: it is
   * complete for schedulers that run every enabled actor within the livelock bound's steps.
   */
  readonly unfair: number;
  /**
   * Distinct Mazurkiewicz traces run to the end, when the strategy never runs two equivalent
   * executions (DPOR, the sleep-set DFS); null for the naive and random searches.
   */
  readonly traces: number | null;
  readonly stop: StopReason;
  /** True when every schedule was explored and none was cut: "no problem" then means none exists. */
  readonly complete: boolean;
  readonly found: Counterexample | null;
}

/** Runs executions under `strategy` until it is exhausted, a problem is found, or a bound is hit. */
export function explore(
  model: Model,
  strategy: Strategy,
  limits: ExploreLimits,
  hooks: ExploreHooks = {},
  start?: ExploreCounts,
): ExploreResult {
  return drain(exploreSteps(model, strategy, limits, hooks, start));
}

/** Executions between two progress reports, unless `ExploreHooks.every` says. */
export const PROGRESS_EVERY = 1000;

/** Runs a generator to its end: the synchronous form of a search that pauses. */
export function drain<T>(g: Generator<void, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs a generator to its end, letting the event loop run at each pause (a signal handler, a worker
 * thread's message); null when `abandon()` says to stop there.
 */
export async function drainAsync<T>(g: Generator<void, T, void>, abandon?: () => boolean): Promise<T | null> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise((go) => setImmediate(go));
    if (abandon?.()) return null;
  }
}

/** Executions between two pauses of `exploreSteps`. */
const PAUSE_EVERY = 32;

/**
 * `explore` as a generator that pauses every few executions, so that an asynchronous caller can
 * let the event loop run between them (a signal handler only runs then: Ctrl-C).
 */
export function* exploreSteps(
  model: Model,
  strategy: Strategy,
  limits: ExploreLimits,
  hooks: ExploreHooks = {},
  start?: ExploreCounts,
): Generator<void, ExploreResult, void> {
  let executions = start?.executions ?? 0;
  let steps = start?.steps ?? 0;
  let maxDepth = start?.maxDepth ?? 0;
  let cut = start?.cut ?? 0;
  let pruned = start?.pruned ?? 0;
  const first = executions;
  let unfair = start?.unfair ?? 0;
  let stop: StopReason = 'exhausted';
  let found: Counterexample | null = null;
  const every = hooks.every ?? PROGRESS_EVERY;
  const traces = (): number => executions - pruned - cut - unfair;
  while (strategy.beginExecution()) {
    if (executions >= limits.maxExecutions) {
      stop = 'max-executions';
      break;
    }
    if (executions > first && executions % PAUSE_EVERY === 0) yield;
    if (hooks.shouldStop && executions > first) {
      const why = hooks.shouldStop();
      if (why) {
        stop = why;
        break;
      }
    }
    const ex: Execution = execute(model, strategy, limits.maxSteps, false, limits.livelockBound);
    strategy.endExecution(ex.schedule.length);
    if (strategy.skipped) continue;
    executions++;
    steps += ex.schedule.length;
    maxDepth = Math.max(maxDepth, ex.schedule.length);
    const o = ex.outcome;
    if (o.kind === 'bound') cut++;
    else if (o.kind === 'pruned') pruned++;
    else if (o.kind === 'unfair') unfair++;
    else if (o.kind !== 'ok') {
      found = { outcome: o, schedule: ex.schedule };
      stop = 'found';
      break;
    }
    if (hooks.onProgress && executions % every === 0) {
      hooks.onProgress({ executions, steps, maxDepth, traces: traces() });
    }
  }
  if (stop === 'exhausted' && !strategy.exhausted) stop = 'max-executions';
  return {
    strategy: strategy.name,
    executions,
    steps,
    maxDepth,
    cut,
    pruned,
    unfair,
    traces: strategy.distinctTraces ? traces() : null,
    stop,
    complete: stop === 'exhausted' && strategy.exhausted && cut === 0 && !strategy.boundHit,
    found,
  };
}
