import { defineSlot, type World } from '../core/world.js';
import type { Model } from '../explore/execute.js';

/**
 * A classic DPOR benchmark as a lockstep model: a name with its size, the model, and a canonical
 * text of the shared variables an execution leaves, so that two strategies can be compared by the
 * set of final states they reach.
 */
export interface Benchmark {
  /** Name and size, e.g. `lastzero(5)`. */
  readonly name: string;
  readonly model: Model;
  /** The shared variables at the end of an execution of `model`, as canonical text. */
  finalState(world: World): string;
}

/**
 * A benchmark whose model keeps a final-state printer per world: `build` sets up the world and
 * returns how to print its shared variables.
 *
 * Threads are generator functions declared once, at module level, and spawned with an arrow
 * (`() => thread(table, tid)`), not `function* () {...}` written inside `build`: V8 gives every
 * new generator closure its own prototype and hidden class on first call, in old space, which keep
 * the whole world alive through minor collections. Inline, indexer(16) runs 3x slower.
 */
export function benchmark(name: string, build: (world: World) => () => string): Benchmark {
  // The printer lives in the world it prints (a slot). A WeakMap keyed by worlds, one entry per
  // execution, keeps young worlds alive through V8's minor collections: indexer(16) ran 1.7x slower.
  const printer = defineSlot<{ print: (() => string) | null }>(() => ({ print: null }));
  return {
    name,
    model: {
      build(world) {
        world.slot(printer).print = build(world);
      },
    },
    finalState(world) {
      const print = world.slot(printer).print;
      if (!print) throw new Error(`${name}: this world was not built by this benchmark`);
      return print();
    },
  };
}
