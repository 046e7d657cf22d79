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
 * include/linux/spinlock.h, kernel/locking/spinlock.c: a spinlock. A contended `spin_lock` spins
 * (state R) until the lock is free; a task that takes a spinlock it holds spins forever. Lockdep
 * sees the wait type of spinlock_t, {2:2} (LD_WAIT_CONFIG is LD_WAIT_SPIN without
 * PROVE_RAW_LOCK_NESTING), so sleeping under it is an invalid wait context. Not modelled:
 * preemption and interrupts being disabled while it is held, and queueing order.
 */
export class Spinlock {
  readonly name: string;
  owner: Actor | null = null;
  site = '';

  constructor(
    readonly oid: number,
    readonly lockClass: LockClass,
  ) {
    this.name = className(lockClass);
  }

  /** The owner, who alone can let a spinner in. */
  providers(): Provider[] {
    return this.owner ? [{ actor: this.owner, how: `release ${this.name} (held since ${this.site})` }] : [];
  }
}

/** include/linux/spinlock_types.h: DEFINE_SPINLOCK. A spinlock in `world` whose lockdep class is `name`. */
export function DEFINE_SPINLOCK(world: World, name: string): Spinlock {
  return new Spinlock(world.oid(), lockClass(name, 1, [2, 2]));
}

/** kernel/locking/spinlock.c: _raw_spin_lock. Spins until the lock is free, then holds it. */
export function spin_lock(cx: LockCx, l: Spinlock): Program<void> {
  return run(
    guarded(
      `spin_lock(${l.name})`,
      [l],
      {
        state: 'R',
        object: l,
        until: `${l.name} is released`,
        wokenBy: wokenBy('R'),
        sleepFrames: ['_raw_spin_lock', 'queued_spin_lock_slowpath'],
      },
      () => l.owner === null,
      () => {
        l.owner = cx.actor;
        l.site = callSite(cx.actor);
        lock_acquire(cx, l, false);
      },
    ),
  );
}

/** kernel/locking/spinlock.c: _raw_spin_trylock; true when taken. */
export function spin_trylock(cx: LockCx, l: Spinlock): Program<boolean> {
  return run(
    atomic(`spin_trylock(${l.name})`, [l], () => {
      if (l.owner !== null) return false;
      l.owner = cx.actor;
      l.site = callSite(cx.actor);
      lock_acquire(cx, l, false, true);
      return true;
    }),
  );
}

/** kernel/locking/spinlock.c: _raw_spin_unlock. */
export function spin_unlock(cx: LockCx, l: Spinlock): Program<void> {
  return run(
    atomic(`spin_unlock(${l.name})`, [l], () => {
      if (l.owner !== cx.actor) throw new Error(`spin_unlock(${l.name}) by ${cx.actor.label}, not its owner`);
      l.owner = null;
      lock_release(cx, l);
    }),
  );
}
