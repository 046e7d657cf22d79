import { type Benchmark, benchmark } from './benchmark.js';
import { load, printVars, store, type Var, vars } from './memory.js';

/**
 * lastzero(n) (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): `array[0..n]` starts zeroed;
 * thread 0 scans `i = n` down until `array[i] == 0`; thread j (1..n) sets
 * `array[j] = array[j-1] + 1`, a read and a write in separate steps. The reader's result (the
 * index it stopped at) is part of the final state.
 */
export function lastzero(n: number): Benchmark {
  return benchmark(`lastzero(${n})`, (world) => {
    const array: Var[] = vars(world, 'array', n + 1);
    let stop = -1;
    world.spawn('task', 'reader', 0, function* () {
      let i = n;
      while ((yield* load(array[i]!)) !== 0) i--;
      stop = i;
    });
    for (let j = 1; j <= n; j++) {
      world.spawn('task', `writer${j}`, j, function* () {
        const prev = yield* load(array[j - 1]!);
        yield* store(array[j]!, prev + 1);
      });
    }
    return () => `${printVars(array)} stop=${stop}`;
  });
}
