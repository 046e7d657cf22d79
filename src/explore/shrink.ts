import { type Choice, encodeSchedule, type Schedule } from '../core/schedule.js';
import type { Execution, Model } from './execute.js';
import type { Counterexample } from './explore.js';
import { type CountedExecution, GuidedStrategy, runCounted } from './guided.js';
import { ReplayStrategy } from './replay.js';

/** Bounds of a shrink. */
export interface ShrinkOptions {
  /** Candidate executions to run at most (default 2000); the best found so far is kept. */
  readonly maxReplays?: number;
  /**
   * Makes a fresh model for every execution. Give it when the model's checkers keep state across
   * executions (lockdep's dependency graph lives as long as a `modelOf` model, like lockdep across a
   * boot): then each verdict depends on its schedule alone, as it does when a token is replayed.
   */
  readonly fresh?: () => Model;
  /** The livelock bound the counterexample was found with (default 1000): a livelock stays one under it. */
  readonly livelockBound?: number;
}

/** The size of a counterexample: what shrinking lowers, in this order. */
export interface ShrinkCost {
  readonly steps: number;
  readonly preemptions: number;
  /** Context switches (a switch away from an actor that could not run is not a preemption). */
  readonly switches: number;
}

/** What a shrink did: the counterexample it kept and its size before and after. */
export interface ShrinkResult {
  readonly counterexample: Counterexample;
  readonly before: ShrinkCost;
  readonly after: ShrinkCost;
  /** Executions run, the replay of the input included. */
  readonly replays: number;
  /** True when no candidate improved on the result: it is locally minimal, not cut by `maxReplays`. */
  readonly fixpoint: boolean;
  /**
   * False when the input's schedule did not replay to a problem of its kind (a lockdep report that
   * needed the dependencies of earlier executions): then the input is returned as it is.
   */
  readonly reproduced: boolean;
}

/** Candidate executions a shrink runs when the options say nothing. */
export const DEFAULT_MAX_REPLAYS = 2000;

/**
 * What a verdict is, independent of actor ids (dynamic actors may be created in another order in
 * another schedule): the kind, and for a hang the stuck actors by `comm/pid`, for a failed
 * assertion its message, for a lockdep or DEPT report its kind and headline. Null when the
 * execution found no problem.
 */
export function verdictKey(ex: Execution): string | null {
  const o = ex.outcome;
  switch (o.kind) {
    case 'livelock':
      // A fair livelock is the same when the same actors repeat a cycle of the same length (or none).
      if (o.cycle) {
        const shape = o.cycle.periodic ? `${o.cycle.period} steps` : 'none';
        return `livelock cycle (${shape}): ${labelsOf(ex, o.cycle.actors)}`;
      }
      return `livelock: ${labelsOf(ex, o.blocked)}`;
    case 'deadlock':
      return `deadlock: ${labelsOf(ex, o.blocked)}`;
    case 'assertion':
      return `assertion: ${o.message}`;
    case 'lockdep':
    case 'dept':
      return `${o.kind}: ${o.report.kind}: ${o.report.headline}`;
    default:
      return null;
  }
}

function labelsOf(ex: Execution, ids: readonly number[]): string {
  return ids
    .map((id) => ex.world.actors[id]!.label)
    .sort()
    .join(', ');
}

function costOf(run: CountedExecution): ShrinkCost {
  return {
    steps: run.execution.schedule.length,
    preemptions: run.count.preemptions,
    switches: run.count.switches,
  };
}

/** Lexicographic order on (steps, preemptions, switches). */
function smaller(a: ShrinkCost, b: ShrinkCost): boolean {
  if (a.steps !== b.steps) return a.steps < b.steps;
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  return a.switches < b.switches;
}

/** A maximal run of steps by one actor: schedule indices [start, end). */
interface Block {
  readonly actor: number;
  readonly start: number;
  readonly end: number;
}

function blocksOf(s: Schedule): Block[] {
  const out: Block[] = [];
  let start = 0;
  for (let i = 1; i <= s.length; i++) {
    if (i === s.length || s[i]!.actor !== s[start]!.actor) {
      out.push({ actor: s[start]!.actor, start, end: i });
      start = i;
    }
  }
  return out;
}

/** The schedule with steps [from, to) moved to index `at` (at <= from, or at >= to). */
function move(s: Schedule, from: number, to: number, at: number): Choice[] {
  const seg = s.slice(from, to);
  if (at <= from) return [...s.slice(0, at), ...seg, ...s.slice(at, from), ...s.slice(to)];
  return [...s.slice(0, from), ...s.slice(to, at), ...seg, ...s.slice(at)];
}

function nextOf(s: Schedule, actor: number, from: number): number {
  for (let j = from; j < s.length; j++) if (s[j]!.actor === actor) return j;
  return -1;
}

function blockEnd(s: Schedule, start: number): number {
  let e = start;
  while (e < s.length && s[e]!.actor === s[start]!.actor) e++;
  return e;
}

/**
 * Candidate plans for a better schedule, most promising first. For each preemption, from the last
 * (CHESS's preemption bounding, Musuvathi and Qadeer, PLDI 2007): let the preempted actor keep
 * running, by pulling its next block or its next step forward, or by pushing the preempting block
 * back to its actor's next block or to the end. Then the block moves of trace simplification
 * (Jalbert and Sen, FSE 2010): a block joins the previous or the next block of its actor, or goes
 * to the end (after a failing step, that drops it). Last, each preemption's prefix alone, the
 * rest run without needless switches.
 */
function* candidates(s: Schedule, preempting: readonly number[]): Generator<Schedule> {
  for (let k = preempting.length - 1; k >= 0; k--) {
    const i = preempting[k]!;
    const p = s[i - 1]!.actor;
    const j = nextOf(s, p, i);
    if (j >= 0) {
      yield move(s, j, blockEnd(s, j), i);
      yield move(s, j, j + 1, i);
    }
    const f = blockEnd(s, i);
    const g = nextOf(s, s[i]!.actor, f);
    yield move(s, i, f, g >= 0 ? g : s.length);
    if (g >= 0) yield move(s, i, f, s.length);
  }
  const blocks = blocksOf(s);
  for (let b = blocks.length - 1; b >= 0; b--) {
    const { actor, start, end } = blocks[b]!;
    let prev = -1;
    for (let c = b - 1; c >= 0 && prev < 0; c--) if (blocks[c]!.actor === actor) prev = blocks[c]!.end;
    if (prev >= 0) yield move(s, start, end, prev);
    const next = nextOf(s, actor, end);
    if (next >= 0) yield move(s, start, end, next);
    if (end < s.length) yield move(s, start, end, s.length);
  }
  for (let k = preempting.length - 1; k >= 0; k--) yield s.slice(0, preempting[k]!);
}

/**
 * Shrinks a counterexample: the result replays (with `ReplayStrategy`) to the same verdict (see
 * `verdictKey`), is no longer, and has no preemption that one of the candidate moves can remove.
 *
 * A hill climb over schedules: each candidate is a plan run with the lenient `GuidedStrategy`
 * (the plan need not fit the model exactly), and the execution it gives is kept when its verdict
 * is the same and its (steps, preemptions, switches) are lexicographically smaller; then the
 * candidates of the new best are tried, until none improves (a fixpoint) or `maxReplays`
 * executions have run. Deterministic: no randomness, candidates in a fixed order.
 */
export function shrinkCounterexample(
  model: Model,
  cx: Counterexample,
  options: ShrinkOptions = {},
): ShrinkResult {
  const maxReplays = options.maxReplays ?? DEFAULT_MAX_REPLAYS;
  const modelFor = options.fresh ?? (() => model);
  const bound = options.livelockBound;
  const input = runCounted(modelFor(), new ReplayStrategy(cx.schedule), cx.schedule.length, false, bound);
  const key = verdictKey(input.execution);
  const before = costOf(input);
  if (
    key === null ||
    input.execution.outcome.kind !== cx.outcome.kind ||
    before.steps !== cx.schedule.length
  ) {
    return { counterexample: cx, before, after: before, replays: 1, fixpoint: false, reproduced: false };
  }
  let best = input;
  let cost = before;
  let replays = 1;
  let fixpoint = false;
  const tried = new Set<string>([encodeSchedule(cx.schedule)]);
  search: for (;;) {
    for (const plan of candidates(best.execution.schedule, best.count.at)) {
      const id = encodeSchedule(plan);
      if (tried.has(id)) continue;
      if (replays >= maxReplays) break search;
      tried.add(id);
      replays++;
      // A longer execution cannot win: it is cut at the current length and rejected.
      const run = runCounted(modelFor(), new GuidedStrategy(plan), cost.steps, false, bound);
      const c = costOf(run);
      if (smaller(c, cost) && verdictKey(run.execution) === key) {
        best = run;
        cost = c;
        tried.add(encodeSchedule(run.execution.schedule));
        continue search;
      }
    }
    fixpoint = true;
    break;
  }
  const outcome = best.execution.outcome as Counterexample['outcome'];
  return {
    counterexample: { outcome, schedule: best.execution.schedule },
    before,
    after: cost,
    replays,
    fixpoint,
    reproduced: true,
  };
}

/** `shrinkCounterexample`'s counterexample alone: same verdict, no longer, no needless preemption. */
export function shrink(model: Model, cx: Counterexample, options: ShrinkOptions = {}): Counterexample {
  return shrinkCounterexample(model, cx, options).counterexample;
}
