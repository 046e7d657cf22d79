import { Prng } from '../core/prng.js';
import type { Choice } from '../core/schedule.js';
import type { ChoicePoint, Strategy } from './strategy.js';

/** A seeded random walk: each step picks uniformly among the enabled choices. */
export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly exhausted = false;
  private readonly prng: Prng;

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
  }

  beginExecution(): boolean {
    return true;
  }

  pick(point: ChoicePoint): Choice {
    return point.choices[this.prng.below(point.choices.length)]!;
  }

  endExecution(_depth: number): void {}
}
