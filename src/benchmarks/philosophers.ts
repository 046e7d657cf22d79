import type { Actor } from '../core/actor.js';
import type { Program } from '../core/op.js';
import { type Benchmark, benchmark } from './benchmark.js';
import { loadOp, printVars, storeOp, type Var, vars } from './memory.js';
import { lockOp, type Mutex, mutexes, unlockOp } from './mutex.js';

/** A philosopher: takes `first` then `second`, eats (counts a meal), puts both down. */
function* philosopher(actor: Actor, first: Mutex, second: Mutex, meals: Var): Program<void> {
  yield lockOp(actor, first);
  yield lockOp(actor, second);
  const had = (yield loadOp(meals)) as number;
  yield storeOp(meals, had + 1);
  yield unlockOp(actor, second);
  yield unlockOp(actor, first);
}

/** Options of `philosophers`. */
export interface PhilosophersOptions {
  /** Take the lower-numbered fork first (a global lock order): no deadlock. */
  readonly ordered?: boolean;
}

/**
 * Dining philosophers(n): philosopher i takes fork i then fork (i + 1) % n (both mutexes), eats
 * (counts a meal in its own variable), and puts the forks down. Taking left then right deadlocks
 * when every philosopher holds its left fork; taking the lower-numbered fork first does not.
 */
export function philosophers(n: number, options: PhilosophersOptions = {}): Benchmark {
  const ordered = options.ordered ?? false;
  return benchmark(`philosophers(${n}${ordered ? ',ordered' : ''})`, (world) => {
    const forks = mutexes(world, 'fork', n);
    const meals: Var[] = vars(world, 'meals', n);
    for (let i = 0; i < n; i++) {
      const left = i;
      const right = (i + 1) % n;
      const [first, second] = ordered && right < left ? [right, left] : [left, right];
      world.spawn('task', `philosopher${i}`, i, (actor) =>
        philosopher(actor, forks[first]!, forks[second]!, meals[i]!),
      );
    }
    return () =>
      `${printVars(meals)} held=${forks.map((f) => (f.owner ? String(f.owner.pid) : '-')).join(',')}`;
  });
}
