import type { Actor } from '../core/actor.js';
import { callSite } from '../core/frames.js';
import { atomic, guarded, type Program, type Provider, run } from '../core/op.js';
import type { World } from '../core/world.js';
import {
  className,
  type LockClass,
  type LockCx,
  lock_acquire,
  lock_release,
  lockClass,
} from './lock-class.js';
import { wokenBy } from './wait.js';

/**
 * kernel/locking/mutex.c: a sleeping lock with one owner. A contended `mutex_lock` sleeps
 * TASK_UNINTERRUPTIBLE until the mutex is free; taking a mutex its owner already holds sleeps
 * forever (the kernel's mutexes are not recursive). Not modelled: optimistic spinning, handoff and
 * the wait list's order (a waiter takes the mutex whenever it is free).
 */
export class Mutex {
  readonly name: string;
  owner: Actor | null = null;
  /** The function that took the mutex (for the explanation). */
  site = '';

  constructor(
    readonly oid: number,
    readonly lockClass: LockClass,
  ) {
    this.name = className(lockClass);
  }

  /** The owner, who alone can let a waiter in. */
  providers(): Provider[] {
    return this.owner ? [{ actor: this.owner, how: `release ${this.name} (held since ${this.site})` }] : [];
  }
}

/** include/linux/mutex.h: DEFINE_MUTEX. A mutex in `world` whose lockdep class is `name`. */
export function DEFINE_MUTEX(world: World, name: string): Mutex {
  return new Mutex(world.oid(), lockClass(name));
}

function take(cx: LockCx, m: Mutex, trylock: boolean): void {
  m.owner = cx.actor;
  m.site = callSite(cx.actor);
  lock_acquire(cx, m, false, trylock);
}

/** kernel/locking/mutex.c: mutex_lock. Sleeps TASK_UNINTERRUPTIBLE until the mutex is free, then owns it. */
export function mutex_lock(cx: LockCx, m: Mutex): Program<void> {
  return run(
    guarded(
      `mutex_lock(${m.name})`,
      [m],
      {
        state: 'D',
        object: m,
        until: `${m.name} is released`,
        wokenBy: wokenBy('D'),
        sleepFrames: ['mutex_lock', '__mutex_lock', 'schedule_preempt_disabled', 'schedule', '__schedule'],
      },
      () => m.owner === null,
      () => take(cx, m, false),
    ),
  );
}

/** kernel/locking/mutex.c: mutex_trylock; true when taken. */
export function mutex_trylock(cx: LockCx, m: Mutex): Program<boolean> {
  return run(
    atomic(`mutex_trylock(${m.name})`, [m], () => {
      if (m.owner !== null) return false;
      take(cx, m, true);
      return true;
    }),
  );
}

/** kernel/locking/mutex.c: mutex_unlock. Only the owner may unlock (DEBUG_MUTEXES would warn). */
export function mutex_unlock(cx: LockCx, m: Mutex): Program<void> {
  return run(
    atomic(`mutex_unlock(${m.name})`, [m], () => {
      if (m.owner !== cx.actor)
        throw new Error(`mutex_unlock(${m.name}) by ${cx.actor.label}, not its owner`);
      m.owner = null;
      lock_release(cx, m);
    }),
  );
}

/** include/linux/mutex.h: mutex_is_locked. */
export function mutex_is_locked(m: Mutex): boolean {
  return m.owner !== null;
}
