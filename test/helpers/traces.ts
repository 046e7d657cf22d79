/**
 * A trace counter for checking DPOR: runs every execution a strategy drives (naive DFS by
 * default) without stopping at the first problem, records each step's footprint, and counts the
 * distinct Mazurkiewicz traces among the executions that ran to their end, with the final states
 * and verdicts they reached.
 */
import type { Benchmark } from '../../src/benchmarks/benchmark.js';
import type { SimObject } from '../../src/core/op.js';
import type { Choice } from '../../src/core/schedule.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { execute, type Outcome } from '../../src/explore/execute.js';
import type { ChoicePoint, Strategy } from '../../src/explore/strategy.js';

/** One step of an execution with what it reads and writes (object ids). */
export interface Event {
  readonly actor: number;
  readonly alt: number;
  readonly writes: readonly number[];
  readonly reads: readonly number[];
}

/** Two events are dependent when they belong to one actor or one writes what the other touches. */
export function dependent(a: Event, b: Event): boolean {
  if (a.actor === b.actor) return true;
  for (const x of a.writes) if (b.writes.includes(x) || b.reads.includes(x)) return true;
  for (const x of a.reads) if (b.writes.includes(x)) return true;
  return false;
}

/**
 * The canonical form of an execution's trace: its lexicographically least linearisation, taking
 * at each point the lowest actor whose next event has every dependent earlier event done. Two
 * executions have the same form exactly when one is the other with independent neighbours swapped.
 */
export function canonicalTrace(events: readonly Event[]): string {
  const m = events.length;
  // preds[j]: earlier events that j depends on (the happens-before edges, not transitively reduced).
  const preds: number[][] = events.map((e, j) => {
    const out: number[] = [];
    for (let i = 0; i < j; i++) if (dependent(events[i]!, e)) out.push(i);
    return out;
  });
  const done = new Array<boolean>(m).fill(false);
  const parts: string[] = [];
  for (let k = 0; k < m; k++) {
    let pick = -1;
    for (let j = 0; j < m; j++) {
      if (done[j] || !preds[j]!.every((i) => done[i])) continue;
      if (pick < 0 || events[j]!.actor < events[pick]!.actor) pick = j;
    }
    done[pick] = true;
    const e = events[pick]!;
    parts.push(e.alt === 0 ? String(e.actor) : `${e.actor}.${e.alt}`);
  }
  return parts.join(' ');
}

/**
 * The Foata normal form of an execution's trace: steps grouped into levels (an event's level is one
 * past the highest level of the events it depends on), each level sorted. A second canonical form,
 * computed independently, to cross-check the first.
 */
export function foataTrace(events: readonly Event[]): string {
  const level: number[] = [];
  const levels: string[][] = [];
  for (const [j, e] of events.entries()) {
    let l = 0;
    for (let i = 0; i < j; i++) if (dependent(events[i]!, e)) l = Math.max(l, level[i]! + 1);
    level.push(l);
    (levels[l] ??= []).push(e.alt === 0 ? String(e.actor) : `${e.actor}.${e.alt}`);
  }
  // Events of one actor are totally ordered, so within a level each actor appears at most once.
  return levels.map((l) => l.sort().join(',')).join(' | ');
}

/** What the counter saw. */
export interface TraceCount {
  /** Executions run, pruned ones included. */
  readonly executions: number;
  /** Executions the strategy abandoned (sleep-set blocked). */
  readonly pruned: number;
  /** Executions cut by the step bound. */
  readonly cut: number;
  /** Steps run in all executions. */
  readonly steps: number;
  /** Distinct Mazurkiewicz traces among the executions that ran to their end. */
  readonly traces: number;
  /** The same count by Foata normal form (must equal `traces`). */
  readonly foataTraces: number;
  /** Executions that ran to their end but repeated a trace already seen. */
  readonly redundant: number;
  /** `verdict | final state` of every execution that ran to its end. */
  readonly finalStates: ReadonlySet<string>;
  /** Verdicts (`ok`, `deadlock:0,1,2`, `assertion:...`) of those executions. */
  readonly verdicts: ReadonlySet<string>;
}

function oids(objects: readonly SimObject[] | undefined): number[] {
  return objects ? objects.map((o) => o.oid) : [];
}

/** Wraps a strategy and records the footprint of each step it picks. */
export class Recorder implements Strategy {
  events: Event[] = [];
  constructor(private readonly inner: Strategy) {}
  get name(): string {
    return this.inner.name;
  }
  get exhausted(): boolean {
    return this.inner.exhausted;
  }
  beginExecution(): boolean {
    this.events = [];
    return this.inner.beginExecution();
  }
  pick(point: ChoicePoint): Choice | null {
    const c = this.inner.pick(point);
    if (c !== null) {
      const op = point.op(c);
      this.events.push({ actor: c.actor, alt: c.alt, writes: oids(op.touches), reads: oids(op.reads) });
    }
    return c;
  }
  endExecution(depth: number): void {
    this.inner.endExecution(depth);
  }
}

function verdictOf(o: Outcome): string {
  switch (o.kind) {
    case 'deadlock':
    case 'livelock':
      return `${o.kind}:${o.blocked.join(',')}`;
    case 'assertion':
      return `assertion:${o.actor}:${o.message}`;
    default:
      return o.kind;
  }
}

/** Limits of a count; the count throws rather than report a partial number. */
export interface CountLimits {
  readonly maxExecutions?: number;
  readonly maxSteps?: number;
}

/** Runs every execution `strategy` drives on `bench` and counts traces, final states and verdicts. */
export function countTraces(
  bench: Benchmark,
  strategy: Strategy = new DfsStrategy(false),
  limits: CountLimits = {},
): TraceCount {
  const maxExecutions = limits.maxExecutions ?? 5_000_000;
  const maxSteps = limits.maxSteps ?? 10_000;
  const recorder = new Recorder(strategy);
  const traces = new Set<string>();
  const foata = new Set<string>();
  const finalStates = new Set<string>();
  const verdicts = new Set<string>();
  let executions = 0;
  let pruned = 0;
  let cut = 0;
  let steps = 0;
  let ran = 0;
  while (recorder.beginExecution()) {
    if (executions >= maxExecutions) throw new Error(`${bench.name}: more than ${maxExecutions} executions`);
    const ex = execute(bench.model, recorder, maxSteps);
    recorder.endExecution(ex.schedule.length);
    // A split search's execution that belongs to another shard counts nowhere here.
    if (strategy.skipped) continue;
    executions++;
    steps += ex.schedule.length;
    if (ex.outcome.kind === 'pruned') {
      pruned++;
      continue;
    }
    if (ex.outcome.kind === 'bound') {
      cut++;
      continue;
    }
    ran++;
    traces.add(canonicalTrace(recorder.events));
    foata.add(foataTrace(recorder.events));
    const verdict = verdictOf(ex.outcome);
    verdicts.add(verdict);
    finalStates.add(`${verdict} | ${bench.finalState(ex.world)}`);
  }
  return {
    executions,
    pruned,
    cut,
    steps,
    traces: traces.size,
    foataTraces: foata.size,
    redundant: ran - traces.size,
    finalStates,
    verdicts,
  };
}
