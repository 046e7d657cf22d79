import type { Op } from '../core/op.js';
import type { Choice } from '../core/schedule.js';
import type { FairHint } from './livelock.js';

/** A point where the strategy must choose: the enabled choices and what each would touch. */
export interface ChoicePoint {
  /** Enabled choices, by actor id then alternative; never empty. */
  readonly choices: readonly Choice[];
  /** Steps taken so far in this execution. */
  readonly depth: number;
  /** The actor that ran the previous step, or -1. */
  readonly last: number;
  /** The op a choice would run (its actor's pending op): what it touches and reads, and whether it can block. */
  op(c: Choice): Op;
  /**
   * Set once the execution has spun for half the livelock bound without progress: then the free
   * choice must not starve an enabled actor (`fairOrder`). Absent or null otherwise.
   */
  readonly fair?: FairHint | null;
}

/**
 * How an exploration picks the next step. The engine runs executions; the strategy only chooses
 * (fast-check's scheduler selector, loom's branch log). Replay is just another strategy.
 */
export interface Strategy {
  readonly name: string;
  /** Called before each execution; false when there is nothing left to explore. */
  beginExecution(): boolean;
  /**
   * Picks one of the choices, or null to abandon the execution because every choice left leads
   * only to schedules already explored (a sleep-set-blocked execution).
   */
  pick(point: ChoicePoint): Choice | null;
  /** Called after each execution, with the number of steps it took. */
  endExecution(depth: number): void;
  /** True once an exhaustive strategy has explored every schedule. */
  readonly exhausted: boolean;
  /** True when no two executions it runs to the end are equivalent (each is a distinct trace). */
  readonly distinctTraces?: boolean;
  /** True when the strategy skipped schedules over a bound (preemptions): the search is then not complete. */
  readonly boundHit?: boolean;
  /** True when the last execution belongs to another shard of a partitioned search: it is not counted. */
  readonly skipped?: boolean;
}

/**
 * Orders choices so that the actor that just ran comes first, then by actor id: schedules that
 * switch actors only when needed come first, and read as a story.
 */
export function preferLast(choices: readonly Choice[], last: number): Choice[] {
  const out = choices.filter((c) => c.actor === last);
  for (const c of choices) if (c.actor !== last) out.push(c);
  return out;
}

/**
 * The order in which an exhaustive strategy takes its free choice: `preferLast` while the execution
 * makes progress, and once it spins (`point.fair` set), the actor that ran least recently first, so
 * that no enabled actor starves while another loops without progress. Which enabled step a search
 * takes first does not change what DPOR or the sleep-set search covers, only the order.
 */
export function fairOrder(point: ChoicePoint): Choice[] {
  const fair = point.fair;
  if (!fair) return preferLast(point.choices, point.last);
  const ran = (c: Choice): number => fair.lastRan[c.actor] ?? -1;
  return [...point.choices].sort((x, y) => ran(x) - ran(y) || x.actor - y.actor || x.alt - y.alt);
}
