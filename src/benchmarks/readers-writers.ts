import { type Benchmark, benchmark } from './benchmark.js';
import { load, printVars, store, Var, vars } from './memory.js';
import { Mutex, mutex_lock, mutex_unlock } from './mutex.js';

/** Options of `readersWriters`. */
export interface ReadersWritersOptions {
  /** Every access under one mutex (`pthread_mutex_t`), instead of racing on `x`. */
  readonly locked?: boolean;
}

/**
 * readers-writers(r, w) (the `readers` benchmark of Abdulla et al., POPL 2014, with writers
 * added): writer k stores k + 1 into the shared `x`; reader j loads `x` and keeps what it saw in its
 * own `seen[j]`. Unlocked, the writes are ordered among themselves and each read falls between two
 * of them: w! (w + 1)^r traces. Locked, every critical section conflicts with every other on the
 * mutex: (r + w)! traces.
 */
export function readersWriters(r: number, w: number, options: ReadersWritersOptions = {}): Benchmark {
  const locked = options.locked ?? false;
  return benchmark(`readers-writers(${r},${w}${locked ? ',locked' : ''})`, (world) => {
    const x = new Var(world.oid(), 'x');
    const seen: Var[] = vars(world, 'seen', r);
    const lock = new Mutex(world.oid(), 'lock');
    for (let k = 0; k < w; k++) {
      world.spawn('task', `writer${k}`, k, function* (actor) {
        if (locked) yield* mutex_lock(actor, lock);
        yield* store(x, k + 1);
        if (locked) yield* mutex_unlock(actor, lock);
      });
    }
    for (let j = 0; j < r; j++) {
      world.spawn('task', `reader${j}`, w + j, function* (actor) {
        if (locked) yield* mutex_lock(actor, lock);
        const v = yield* load(x);
        if (locked) yield* mutex_unlock(actor, lock);
        yield* store(seen[j]!, v);
      });
    }
    return () => printVars([x, ...seen]);
  });
}
