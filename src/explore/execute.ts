import type { Actor } from '../core/actor.js';
import { LockstepError, ModelAssertion } from '../core/errors.js';
import type { FnInfo } from '../core/frames.js';
import type { Op } from '../core/op.js';
import type { Choice } from '../core/schedule.js';
import { World } from '../core/world.js';
import { DEFAULT_LIVELOCK_BOUND, type LivelockCycle, LivelockMonitor } from './livelock.js';
import type { ChoicePoint, Strategy } from './strategy.js';

/** A problem the model's own checkers found during a step (a lockdep report), as data. */
export interface ModelReport {
  /** The checker's kind of report (`recursive`, `circular`...). */
  readonly kind: string;
  /** The headline, e.g. `WARNING: possible recursive locking detected`. */
  readonly headline: string;
  /** The full text, as the kernel prints it. */
  text(): string;
  /** Which checker made it; the outcome's kind (`lockdep` when absent). */
  readonly checker?: 'lockdep' | 'dept';
  /** The actor the report is about, when not the one that just stepped (a DEPT waiter). */
  readonly actor?: number;
}

/** What explore needs of a model: build a fresh world (setup and actors) for each execution. */
export interface Model {
  build(world: World): void;
  /** The report the model's checkers made in this execution so far, if any; checked after every step. */
  report?(world: World): ModelReport | null;
}

/** How one execution ended. */
export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'deadlock'; readonly blocked: readonly number[] }
  /**
   * Every actor that is not done waits, and those that run only spin in retry loops; or (with
   * `cycle`) the actors ran the livelock bound's steps without progress, fairly, repeating `cycle`.
   */
  | { readonly kind: 'livelock'; readonly blocked: readonly number[]; readonly cycle?: LivelockCycle }
  | { readonly kind: 'assertion'; readonly actor: number; readonly message: string }
  /** The lock validator reported (a possible deadlock, predicted even if this execution did not hang). */
  | { readonly kind: 'lockdep'; readonly actor: number; readonly report: ModelReport }
  /** The DEPT wait/event tracker found a circular dependency between waits and events. */
  | { readonly kind: 'dept'; readonly actor: number; readonly report: ModelReport }
  | { readonly kind: 'bound' }
  /** Cut at the livelock bound in a window that starved `starved` (enabled throughout, never run): no bug. */
  | { readonly kind: 'unfair'; readonly starved: readonly number[] }
  /** Abandoned by the strategy: every continuation was explored in an equivalent schedule. */
  | { readonly kind: 'pruned' };

/** One finished execution: the world it left, its schedule and how it ended. */
export interface Execution {
  readonly world: World;
  readonly schedule: readonly Choice[];
  readonly outcome: Outcome;
}

const NO_CHOICES: readonly Choice[] = [];

function where(actor: Actor): string {
  const f = actor.frames[actor.frames.length - 1];
  return f ? `${f.name} (${f.file})` : 'its program';
}

/**
 * Runs one execution: builds the world, then lets the strategy pick among the enabled choices
 * until no actor can step (ok, deadlock or livelock), model code fails an assertion, the model's
 * checkers report (lockdep), `livelockBound` steps pass without progress (0: never), or `maxSteps`
 * is hit. `record` keeps the trace; `'inspect'` also lets the model take a snapshot per step (for
 * the trace viewer).
 */
export function execute(
  model: Model,
  strategy: Strategy,
  maxSteps: number,
  record: boolean | 'inspect' = false,
  livelockBound: number = DEFAULT_LIVELOCK_BOUND,
): Execution {
  const world = new World(record === 'inspect' ? { inspect: true } : { record });
  model.build(world);
  const livelock = livelockBound > 0 ? new LivelockMonitor(world, livelockBound) : null;
  const schedule: Choice[] = [];
  let last = -1;
  // One choice point per execution, updated in place before each pick: strategies read it during
  // `pick` and keep no reference to it (they may keep its `choices` and `op`, which never change).
  const point: { -readonly [K in keyof ChoicePoint]: ChoicePoint[K] } = {
    choices: NO_CHOICES,
    depth: 0,
    last,
    op: (x: Choice): Op => world.actors[x.actor]!.pending!,
    fair: null,
  };
  for (;;) {
    const choices = world.choices();
    if (choices.length === 0) {
      const stuck = world.blocked();
      const blocked = stuck.map((a) => a.id);
      const outcome: Outcome =
        blocked.length === 0
          ? { kind: 'ok' }
          : stuck.every((a) => a.pending!.wait!.spin)
            ? { kind: 'livelock', blocked }
            : { kind: 'deadlock', blocked };
      return { world, schedule, outcome };
    }
    if (schedule.length >= maxSteps) return { world, schedule, outcome: { kind: 'bound' } };
    point.choices = choices;
    point.depth = schedule.length;
    point.last = last;
    point.fair = livelock ? livelock.observe(choices, schedule.length) : null;
    const c = strategy.pick(point);
    if (c === null) return { world, schedule, outcome: { kind: 'pruned' } };
    schedule.push(c);
    let op: Op;
    try {
      op = world.take(c);
    } catch (e) {
      const actor = world.actors[c.actor]!;
      if (e instanceof ModelAssertion) {
        return { world, schedule, outcome: { kind: 'assertion', actor: actor.id, message: e.message } };
      }
      if (e instanceof LockstepError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const frame = (e as { modelFrame?: FnInfo } | null)?.modelFrame;
      const at = frame ? `${frame.name} (${frame.file})` : where(actor);
      throw new LockstepError(
        'E_MODEL_ERROR',
        `model code threw in ${actor.label} at ${at}, step ${schedule.length}: ${msg}`,
        'this is a bug in the model; run with --debug for the stack trace',
      );
    }
    const report = model.report?.(world);
    if (report) {
      const kind = report.checker ?? 'lockdep';
      return { world, schedule, outcome: { kind, actor: report.actor ?? c.actor, report } };
    }
    const spun = livelock?.after(c, op, schedule.length - 1);
    if (spun) return { world, schedule, outcome: spun };
    last = c.actor;
  }
}
