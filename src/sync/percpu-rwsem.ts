import type { Actor } from '../core/actor.js';
import { atomic, guarded, type Program, type Provider, run } from '../core/op.js';
import { className, type LockClass, type LockCx, lock_acquire, lock_release } from './lock-class.js';
import { wokenBy } from './wait.js';

/** Who holds a read side: a task, or (owner null) something in flight that took it over. */
export interface ReadHold {
  owner: Actor | null;
  /** What the hold is now: `falloc-dio/502` or `write request in flight`. */
  what: string;
}

/**
 * kernel/locking/percpu-rwsem.c: the freeze-protection semaphore (`sb_writers`). Readers are
 * cheap and never wait unless a writer (a freeze) has blocked them; the writer first blocks new
 * readers, then waits for the existing ones to drain. A read hold may be handed from lockdep's
 * view to an I/O in flight (`percpu_rwsem_release`), as `kiocb_start_write` does.
 */
export class PercpuRwSemaphore {
  readonly name: string;
  /** A writer has set `block`: new readers wait. */
  writer: Actor | null = null;
  readonly readers: ReadHold[] = [];

  constructor(
    readonly oid: number,
    readonly lockClass: LockClass,
  ) {
    this.name = className(lockClass);
  }

  /** A waiter for write needs every reader gone; a waiting reader needs the writer gone. */
  providers(waiter: Actor): Provider[] {
    if (this.writer && this.writer !== waiter)
      return [{ actor: this.writer, how: `thaw (percpu_up_write ${this.name})` }];
    return this.readers.map((r) => ({
      actor: r.owner,
      how: `drop its read hold of ${this.name} (${r.what})`,
    }));
  }
}

/** kernel/locking/percpu-rwsem.c: percpu_down_read. */
export function* percpu_down_read(cx: LockCx, sem: PercpuRwSemaphore): Program<void> {
  yield guarded(
    `percpu_down_read(${sem.name})`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: `${sem.name} to be thawed`,
      wokenBy: wokenBy('D'),
      sleepFrames: ['percpu_down_read', '__percpu_down_read', 'percpu_rwsem_wait', 'schedule', '__schedule'],
    },
    () => sem.writer === null,
    () => {
      sem.readers.push({ owner: cx.actor, what: cx.actor.label });
      lock_acquire(cx, sem, true);
    },
  );
}

/** kernel/locking/percpu-rwsem.c: percpu_up_read. */
export function percpu_up_read(cx: LockCx, sem: PercpuRwSemaphore, hold?: ReadHold): Program<void> {
  return run(
    atomic(`percpu_up_read(${sem.name})`, [sem], () => {
      const i = sem.readers.indexOf(hold ?? sem.readers.findLast((r) => r.owner === cx.actor)!);
      if (i < 0) throw new Error(`percpu_up_read(${sem.name}) without a read hold`);
      sem.readers.splice(i, 1);
      lock_release(cx, sem);
    }),
  );
}

/**
 * include/linux/percpu-rwsem.h: percpu_rwsem_release. The read hold stays, but lockdep no longer
 * sees it on this task; it now belongs to `what` (for example, a write in flight).
 */
export function percpu_rwsem_release(cx: LockCx, sem: PercpuRwSemaphore, what: string): ReadHold {
  const hold = sem.readers.findLast((r) => r.owner === cx.actor);
  if (!hold) throw new Error(`percpu_rwsem_release(${sem.name}) without a read hold`);
  hold.owner = null;
  hold.what = what;
  lock_release(cx, sem);
  return hold;
}

/** include/linux/percpu-rwsem.h: percpu_rwsem_acquire. The current actor takes over a read hold. */
export function percpu_rwsem_acquire(cx: LockCx, sem: PercpuRwSemaphore, hold: ReadHold): void {
  hold.owner = cx.actor;
  hold.what = cx.actor.label;
  lock_acquire(cx, sem, true);
}

/** kernel/locking/percpu-rwsem.c: percpu_down_write: block new readers, then wait for readers to drain. */
export function* percpu_down_write(cx: LockCx, sem: PercpuRwSemaphore): Program<void> {
  yield guarded(
    `percpu_down_write(${sem.name}): block readers`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: `${sem.name} to have no writer`,
      wokenBy: wokenBy('D'),
      sleepFrames: ['percpu_down_write', 'schedule', '__schedule'],
    },
    () => sem.writer === null,
    () => {
      sem.writer = cx.actor;
      lock_acquire(cx, sem, false);
    },
  );
  yield guarded(
    `percpu_down_write(${sem.name}): wait for readers`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: `readers of ${sem.name} to drain`,
      wokenBy: wokenBy('D'),
      sleepFrames: ['percpu_down_write', 'rcuwait_wait_event', 'schedule', '__schedule'],
    },
    () => sem.readers.length === 0,
    () => undefined,
  );
}

/** kernel/locking/percpu-rwsem.c: percpu_up_write. */
export function percpu_up_write(cx: LockCx, sem: PercpuRwSemaphore): Program<void> {
  return run(
    atomic(`percpu_up_write(${sem.name})`, [sem], () => {
      if (sem.writer !== cx.actor) throw new Error(`percpu_up_write(${sem.name}) by a non-owner`);
      sem.writer = null;
      lock_release(cx, sem);
    }),
  );
}
