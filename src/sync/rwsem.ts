import type { Actor } from '../core/actor.js';
import type { Cx } from '../core/frames.js';
import { atomic, guarded, type Program, type Provider, run } from '../core/op.js';
import {
  className,
  type LockClass,
  type LockCx,
  lock_acquire,
  lock_downgrade,
  lock_release,
} from './lock-class.js';
import { wokenBy } from './wait.js';

/**
 * kernel/locking/rwsem.c: a read-write semaphore (`i_rwsem`, `invalidate_lock`). Sleeping
 * acquisitions are TASK_UNINTERRUPTIBLE. A contended acquisition first joins the wait list
 * (RWSEM_FLAG_WAITERS), then sleeps until it can take the lock: trylocks and fast paths fail
 * while anyone waits (RWSEM_READ_FAILED_MASK, the cmpxchg from unlocked), as in the kernel.
 * Not modelled: the wait list's order and handoff. A waiter takes the lock whenever it is free
 * for it (optimistic lock stealing), so a reader may pass a waiting writer.
 */
export class RwSemaphore {
  readonly name: string;
  writer: Actor | null = null;
  /** Current readers, one entry per hold. */
  readonly readers: Actor[] = [];
  /** sem->wait_list: actors sleeping in the slow path. */
  readonly waiters: Actor[] = [];
  private readonly sites = new Map<Actor, string>();

  constructor(
    readonly oid: number,
    readonly lockClass: LockClass,
  ) {
    this.name = className(lockClass);
  }

  /** The holders, who alone can let a waiter in. */
  providers(): Provider[] {
    const holders = this.writer ? [this.writer] : this.readers;
    return holders.map((a) => ({
      actor: a,
      how: `release ${this.name} (held ${a === this.writer ? 'for write' : 'for read'} since ${this.sites.get(a) ?? '?'})`,
    }));
  }

  /** Records a new hold (for the explanation). */
  noteHold(actor: Actor, site: string): void {
    this.sites.set(actor, site);
  }
}

function site(cx: Cx): string {
  return cx.actor.frames[cx.actor.frames.length - 1]?.name ?? '?';
}

/** Leaves the wait list (the waiter took the lock). */
function dequeue(sem: RwSemaphore, actor: Actor): void {
  const i = sem.waiters.indexOf(actor);
  if (i >= 0) sem.waiters.splice(i, 1);
}

/**
 * The shape of down_write and down_read: take the lock at once when `can()` (the fast path, or
 * lock stealing in the slow path); otherwise join the wait list, then sleep D in the slow path
 * until `can()`, and take it.
 */
function* rwsem_acquire(cx: LockCx, sem: RwSemaphore, read: boolean): Program<void> {
  const can = read ? () => sem.writer === null : () => sem.writer === null && sem.readers.length === 0;
  const take = () => {
    dequeue(sem, cx.actor);
    if (read) sem.readers.push(cx.actor);
    else sem.writer = cx.actor;
    sem.noteHold(cx.actor, site(cx));
    lock_acquire(cx, sem, read);
  };
  const fn = read ? 'down_read' : 'down_write';
  const got = yield* run(
    atomic(
      `${fn}(${sem.name})`,
      [sem],
      () => {
        if (can()) {
          take();
          return true;
        }
        sem.waiters.push(cx.actor);
        return false;
      },
      () => (sem.waiters.includes(cx.actor) ? 'contended: joins the wait list' : ''),
    ),
  );
  if (got) return;
  const slowpath = read ? 'rwsem_down_read_slowpath' : 'rwsem_down_write_slowpath';
  yield guarded(
    `${slowpath}(${sem.name})`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: read ? `${sem.name} to have no writer` : `${sem.name} to be free`,
      wokenBy: wokenBy('D'),
      sleepFrames: [fn, slowpath, 'schedule', '__schedule'],
    },
    can,
    take,
  );
}

/**
 * kernel/locking/rwsem.c: down_write. Takes a free lock at once (the fast path, or stealing it in
 * the slow path); otherwise joins the wait list and sleeps D until the lock is free.
 */
export function down_write(cx: LockCx, sem: RwSemaphore): Program<void> {
  return rwsem_acquire(cx, sem, false);
}

/**
 * kernel/locking/rwsem.c: down_read. Takes the lock at once when no writer holds it (the fast
 * path, or reader lock stealing in the slow path while others wait); otherwise joins the wait
 * list and sleeps D until no writer holds it.
 */
export function down_read(cx: LockCx, sem: RwSemaphore): Program<void> {
  return rwsem_acquire(cx, sem, true);
}

/** kernel/locking/rwsem.c: down_write_trylock; true when taken. */
export function down_write_trylock(cx: LockCx, sem: RwSemaphore): Program<boolean> {
  return run(
    atomic(`down_write_trylock(${sem.name})`, [sem], () => {
      if (sem.writer !== null || sem.readers.length > 0 || sem.waiters.length > 0) return false;
      sem.writer = cx.actor;
      sem.noteHold(cx.actor, site(cx));
      lock_acquire(cx, sem, false, true);
      return true;
    }),
  );
}

/** kernel/locking/rwsem.c: down_read_trylock; true when taken. */
export function down_read_trylock(cx: LockCx, sem: RwSemaphore): Program<boolean> {
  return run(
    atomic(`down_read_trylock(${sem.name})`, [sem], () => {
      if (sem.writer !== null || sem.waiters.length > 0) return false;
      sem.readers.push(cx.actor);
      sem.noteHold(cx.actor, site(cx));
      lock_acquire(cx, sem, true, true);
      return true;
    }),
  );
}

/** kernel/locking/rwsem.c: up_write. */
export function up_write(cx: LockCx, sem: RwSemaphore): Program<void> {
  return run(
    atomic(`up_write(${sem.name})`, [sem], () => {
      if (sem.writer !== cx.actor) throw new Error(`up_write(${sem.name}) by a non-owner`);
      sem.writer = null;
      lock_release(cx, sem);
    }),
  );
}

/** kernel/locking/rwsem.c: up_read. */
export function up_read(cx: LockCx, sem: RwSemaphore): Program<void> {
  return run(
    atomic(`up_read(${sem.name})`, [sem], () => {
      const i = sem.readers.lastIndexOf(cx.actor);
      if (i < 0) throw new Error(`up_read(${sem.name}) without a read hold`);
      sem.readers.splice(i, 1);
      lock_release(cx, sem);
    }),
  );
}

/** kernel/locking/rwsem.c: downgrade_write. The writer keeps the lock as a reader; waiting readers may enter. */
export function downgrade_write(cx: LockCx, sem: RwSemaphore): Program<void> {
  return run(
    atomic(`downgrade_write(${sem.name})`, [sem], () => {
      if (sem.writer !== cx.actor) throw new Error(`downgrade_write(${sem.name}) by a non-owner`);
      sem.writer = null;
      sem.readers.push(cx.actor);
      lock_downgrade(cx, sem);
    }),
  );
}
