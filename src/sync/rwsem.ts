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
 * acquisitions are TASK_UNINTERRUPTIBLE. Not modelled: the wait queue's FIFO order and handoff
 * (a reader is admitted whenever no writer holds the lock, even if a writer waits).
 */
export class RwSemaphore {
  readonly name: string;
  writer: Actor | null = null;
  /** Current readers, one entry per hold. */
  readonly readers: Actor[] = [];
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

/** kernel/locking/rwsem.c: down_write. */
export function* down_write(cx: LockCx, sem: RwSemaphore): Program<void> {
  yield guarded(
    `down_write(${sem.name})`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: `${sem.name} to be free`,
      wokenBy: wokenBy('D'),
      sleepFrames: ['down_write', 'rwsem_down_write_slowpath', 'schedule', '__schedule'],
    },
    () => sem.writer === null && sem.readers.length === 0,
    () => {
      sem.writer = cx.actor;
      sem.noteHold(cx.actor, site(cx));
      lock_acquire(cx, sem, false);
    },
  );
}

/** kernel/locking/rwsem.c: down_read. */
export function* down_read(cx: LockCx, sem: RwSemaphore): Program<void> {
  yield guarded(
    `down_read(${sem.name})`,
    [sem],
    {
      state: 'D',
      object: sem,
      until: `${sem.name} to have no writer`,
      wokenBy: wokenBy('D'),
      sleepFrames: ['down_read', 'rwsem_down_read_slowpath', 'schedule', '__schedule'],
    },
    () => sem.writer === null,
    () => {
      sem.readers.push(cx.actor);
      sem.noteHold(cx.actor, site(cx));
      lock_acquire(cx, sem, true);
    },
  );
}

/** kernel/locking/rwsem.c: down_write_trylock; true when taken. */
export function down_write_trylock(cx: LockCx, sem: RwSemaphore): Program<boolean> {
  return run(
    atomic(`down_write_trylock(${sem.name})`, [sem], () => {
      if (sem.writer !== null || sem.readers.length > 0) return false;
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
      if (sem.writer !== null) return false;
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
