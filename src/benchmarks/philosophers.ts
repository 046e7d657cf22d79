import { type Benchmark, benchmark } from './benchmark.js';
import { load, printVars, store, type Var, vars } from './memory.js';
import { mutex_lock, mutex_unlock, mutexes } from './mutex.js';

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
      world.spawn('task', `philosopher${i}`, i, function* (actor) {
        yield* mutex_lock(actor, forks[first]!);
        yield* mutex_lock(actor, forks[second]!);
        yield* store(meals[i]!, (yield* load(meals[i]!)) + 1);
        yield* mutex_unlock(actor, forks[second]!);
        yield* mutex_unlock(actor, forks[first]!);
      });
    }
    return () =>
      `${printVars(meals)} held=${forks.map((f) => (f.owner ? String(f.owner.pid) : '-')).join(',')}`;
  });
}
