import type { Choice, Schedule } from '../core/schedule.js';
import { type Execution, execute, type Model } from './execute.js';
import { ReplayStrategy } from './replay.js';
import { type ChoicePoint, fairOrder, type Strategy } from './strategy.js';

/**
 * Follows a planned schedule leniently, once: at each step it takes the earliest step left in the
 * plan whose actor can run now (so each actor's planned steps keep their order), and when no
 * planned step can run, or the plan is used up, the actor that ran last if it can, else the
 * lowest-numbered one (`fairOrder`: round-robin once the execution spins). Unlike `ReplayStrategy` it never diverges: a plan that does
 * not fit the model any more still gives an execution, which is what a shrinker's candidates need.
 */
export class GuidedStrategy implements Strategy {
  readonly name = 'guided';
  private readonly plan: Choice[];
  private started = false;

  constructor(plan: Schedule) {
    this.plan = [...plan];
  }

  get exhausted(): boolean {
    return this.started;
  }

  beginExecution(): boolean {
    if (this.started) return false;
    this.started = true;
    return true;
  }

  pick(point: ChoicePoint): Choice {
    const { choices } = point;
    for (let j = 0; j < this.plan.length; j++) {
      const want = this.plan[j]!;
      let got: Choice | undefined;
      for (const c of choices) {
        if (c.actor !== want.actor) continue;
        if (c.alt === want.alt) {
          got = c;
          break;
        }
        got ??= c;
      }
      if (got) {
        this.plan.splice(j, 1);
        return got;
      }
    }
    return fairOrder(point)[0]!;
  }

  endExecution(_depth: number): void {}
}

/** How a schedule switches between actors. */
export interface SwitchCount {
  /** Steps where another actor runs while the one that ran the step before could still run. */
  readonly preemptions: number;
  /** Steps where another actor runs than the one that ran the step before. */
  readonly switches: number;
  /** 0-based indices of the preempting steps. */
  readonly at: readonly number[];
}

/** Wraps a strategy and counts the preemptions and context switches of the schedule it picks. */
export class SwitchCounter implements Strategy {
  private readonly preempting: number[] = [];
  private switched = 0;

  constructor(private readonly inner: Strategy) {}

  get name(): string {
    return this.inner.name;
  }

  get exhausted(): boolean {
    return this.inner.exhausted;
  }

  /** The counts of the execution picked so far. */
  get count(): SwitchCount {
    return { preemptions: this.preempting.length, switches: this.switched, at: this.preempting };
  }

  beginExecution(): boolean {
    this.preempting.length = 0;
    this.switched = 0;
    return this.inner.beginExecution();
  }

  pick(point: ChoicePoint): Choice | null {
    const c = this.inner.pick(point);
    if (c !== null && point.last >= 0 && c.actor !== point.last) {
      this.switched++;
      if (point.choices.some((x) => x.actor === point.last)) this.preempting.push(point.depth);
    }
    return c;
  }

  endExecution(depth: number): void {
    this.inner.endExecution(depth);
  }
}

/** One execution run under a strategy, with how its schedule switches between actors. */
export interface CountedExecution {
  readonly execution: Execution;
  readonly count: SwitchCount;
}

/** Runs one execution of `model` under `strategy`, counting its preemptions and switches. */
export function runCounted(
  model: Model,
  strategy: Strategy,
  maxSteps: number,
  record = false,
  livelockBound?: number,
): CountedExecution {
  const counter = new SwitchCounter(strategy);
  counter.beginExecution();
  const execution = execute(model, counter, maxSteps, record, livelockBound);
  counter.endExecution(execution.schedule.length);
  return { execution, count: counter.count };
}

/**
 * The preemptions of a schedule: steps where another actor runs while the one that ran the step
 * before could still run. Replays the schedule (throws E_REPLAY_DIVERGED when it does not fit).
 */
export function preemptions(model: Model, schedule: Schedule): number {
  return runCounted(model, new ReplayStrategy(schedule), schedule.length).count.preemptions;
}
