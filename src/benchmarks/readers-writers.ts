import type { Actor } from '../core/actor.js';
import type { Program } from '../core/op.js';
import { type Benchmark, benchmark } from './benchmark.js';
import { loadOp, printVars, storeOp, Var, vars } from './memory.js';
import { lockOp, Mutex, unlockOp } from './mutex.js';

/** Writer k: `x = k + 1`, under `lock` when there is one. */
function* writer(actor: Actor, lock: Mutex | null, x: Var, k: number): Program<void> {
  if (lock) yield lockOp(actor, lock);
  yield storeOp(x, k + 1);
  if (lock) yield unlockOp(actor, lock);
}

/** A reader: loads `x` (under `lock` when there is one) and keeps it in `seen`. */
function* reader(actor: Actor, lock: Mutex | null, x: Var, seen: Var): Program<void> {
  if (lock) yield lockOp(actor, lock);
  const v = (yield loadOp(x)) as number;
  if (lock) yield unlockOp(actor, lock);
  yield storeOp(seen, v);
}

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
    const mutex = new Mutex(world.oid(), 'lock');
    const lock = locked ? mutex : null;
    for (let k = 0; k < w; k++) world.spawn('task', `writer${k}`, k, (actor) => writer(actor, lock, x, k));
    for (let j = 0; j < r; j++)
      world.spawn('task', `reader${j}`, w + j, (actor) => reader(actor, lock, x, seen[j]!));
    return () => printVars([x, ...seen]);
  });
}
