import type { Program } from '../core/op.js';
import { type Benchmark, benchmark } from './benchmark.js';
import { loadOp, printVars, storeOp, type Var, vars } from './memory.js';

/** The reader: scans down from `array[n]` to the first zero; reports where it stopped. */
function* reader(array: readonly Var[], stopped: (i: number) => void): Program<void> {
  let i = array.length - 1;
  while (((yield loadOp(array[i]!)) as number) !== 0) i--;
  stopped(i);
}

/** Writer j: `array[j] = array[j-1] + 1`, a read and a write in separate steps. */
function* writer(array: readonly Var[], j: number): Program<void> {
  const prev = (yield loadOp(array[j - 1]!)) as number;
  yield storeOp(array[j]!, prev + 1);
}

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
    world.spawn('task', 'reader', 0, () =>
      reader(array, (i) => {
        stop = i;
      }),
    );
    for (let j = 1; j <= n; j++) world.spawn('task', `writer${j}`, j, () => writer(array, j));
    return () => `${printVars(array)} stop=${stop}`;
  });
}
