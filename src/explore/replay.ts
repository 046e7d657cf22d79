import { LockstepError } from '../core/errors.js';
import type { Choice, Schedule } from '../core/schedule.js';
import type { ChoicePoint, Strategy } from './strategy.js';

/** Replays one recorded schedule, once; a choice that is not available means the model changed. */
export class ReplayStrategy implements Strategy {
  readonly name = 'replay';
  private started = false;

  constructor(private readonly schedule: Schedule) {}

  get exhausted(): boolean {
    return this.started;
  }

  /** Whether the recorded schedule has no choices left at `depth`. */
  finishedAt(depth: number): boolean {
    return depth >= this.schedule.length;
  }

  beginExecution(): boolean {
    if (this.started) return false;
    this.started = true;
    return true;
  }

  pick({ choices, depth }: ChoicePoint): Choice {
    const want = this.schedule[depth];
    const got = want && choices.find((c) => c.actor === want.actor && c.alt === want.alt);
    if (!got) {
      throw new LockstepError(
        'E_REPLAY_DIVERGED',
        want
          ? `replay diverged at step ${depth + 1}: actor ${want.actor} cannot take that step`
          : `replay diverged: the schedule ends after ${depth} steps but the execution goes on`,
        'the token was made by a different model or version; run check again for a fresh token',
      );
    }
    return got;
  }

  endExecution(_depth: number): void {}
}
