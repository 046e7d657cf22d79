import type { Actor } from '../core/actor.js';
import { atomic, guarded, type Program, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';

/** A plain mutex (`pthread_mutex_t`) of the benchmark programs: no lockdep, no wait list. */
export class Mutex implements SimObject {
  owner: Actor | null = null;
  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

/** `pthread_mutex_lock(m)`: blocks until `m` is free, then takes it. Writes `m`. */
export function mutex_lock(actor: Actor, m: Mutex): Program<void> {
  return run(
    guarded(
      `lock(${m.name})`,
      [m],
      { state: 'D', object: m, until: `${m.name} free`, wokenBy: '', sleepFrames: [] },
      () => m.owner === null,
      () => {
        m.owner = actor;
      },
    ),
  );
}

/** `pthread_mutex_unlock(m)`. Writes `m`. */
export function mutex_unlock(actor: Actor, m: Mutex): Program<void> {
  return run(
    atomic(`unlock(${m.name})`, [m], () => {
      if (m.owner !== actor) throw new Error(`${actor.label} unlocks ${m.name}, which it does not hold`);
      m.owner = null;
    }),
  );
}

/** `n` mutexes named `name[0]`..`name[n-1]`, with deterministic ids. */
export function mutexes(world: World, name: string, n: number): Mutex[] {
  const out: Mutex[] = [];
  for (let i = 0; i < n; i++) out.push(new Mutex(world.oid(), `${name}[${i}]`));
  return out;
}
