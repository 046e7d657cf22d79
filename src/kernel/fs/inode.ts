import { kfunc } from '../../core/frames.js';
import { atomic, type Op, type Program, run } from '../../core/op.js';
import { atomic_dec_and_test, atomic_inc, type Obligation } from '../../sync/atomic-counter.js';
import { dept_event_end } from '../../sync/dept-wire.js';
import { EAGAIN } from '../../sync/errno.js';
import {
  lockdep_acquire,
  lockdep_release,
  withEffectAfter,
  withEffectBefore,
} from '../../sync/lockdep-wire.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  down_write_trylock,
  up_read,
  up_write,
} from '../../sync/rwsem.js';
import { task_work_pending } from '../../sync/task-work.js';
import { wait_event } from '../../sync/wait.js';
import { current, type Kcx } from '../sched.js';
import type { inode } from './fs.js';

/**
 * include/linux/fs.h: inode_dio_begin. Raises i_dio_count; `dio` is what will lower it. With
 * `lockdep_dio_map` the submitter also takes the inode's dio map shared, as a crosslock: it stays
 * held across the return to user space (lockdep_sys_exit skips it) until inode_dio_end, in
 * whichever context that runs, releases it from the submitter's held-lock stack.
 */
export function inode_dio_begin(cx: Kcx, inode: inode, dio: Obligation): Program<number> {
  const op = atomic_inc(inode.i_dio_count, dio, 'inode_dio_begin: atomic_inc(&inode->i_dio_count)');
  if (!cx.k.config.lockdep_dio_map) return run(op);
  return run(
    withEffectAfter(op, () => {
      inode.i_dio_map_owners.set(dio, cx.actor);
      lockdep_acquire(cx.world, cx.actor, inode.i_dio_map, { read: 2, crosslock: true });
    }),
  );
}

/**
 * fs/inode.c: inode_dio_end. Lowers i_dio_count; at zero, wake_up_bit(__I_DIO_WAKEUP) wakes every
 * inode_dio_wait sleeper (their wait guards read the counter).
 */
export const inode_dio_end = kfunc(
  'fs/inode.c',
  function* inode_dio_end(cx: Kcx, inode: inode, dio: Obligation) {
    const op = atomic_dec_and_test(
      inode.i_dio_count,
      dio,
      'inode_dio_end: atomic_dec_and_test(&inode->i_dio_count)',
    );
    dept_event_end(cx.world, dio);
    const owner = inode.i_dio_map_owners.get(dio);
    if (!owner) return void (yield* run(op));
    yield* run(
      withEffectAfter(op, () => {
        inode.i_dio_map_owners.delete(dio);
        lockdep_release(cx.world, cx.actor, inode.i_dio_map, owner);
      }),
    );
  },
);

/**
 * fs/inode.c: __inode_dio_wait. Sleeps TASK_UNINTERRUPTIBLE until i_dio_count is zero. With
 * `inode_dio_wait_interruptible` (Jens Axboe's proposal) it sleeps TASK_INTERRUPTIBLE and
 * returns -ERESTARTSYS when signal_pending(), which TIF_NOTIFY_SIGNAL alone makes true.
 */
export const __inode_dio_wait = kfunc(
  'fs/inode.c',
  function* __inode_dio_wait(cx: Kcx, inode: inode, interruptible: boolean) {
    const counter = inode.i_dio_count;
    return (yield wait_event(cx, {
      object: counter,
      until: 'i_dio_count == 0',
      cond: () => counter.value === 0,
      state: interruptible ? 'S' : 'D',
      ti: cx.current?.ti ?? null,
      label: '__inode_dio_wait: wait for i_dio_count == 0',
    })) as number;
  },
);

/** inode_dio_wait's atomic_read of the counter. */
function read_dio_count(inode: inode): Op<number> {
  return atomic(
    'inode_dio_wait: atomic_read(&inode->i_dio_count)',
    [inode.i_dio_count],
    () => inode.i_dio_count.value,
    () => `i_dio_count = ${inode.i_dio_count.value}`,
  );
}

/**
 * inode_dio_wait's read, with `lockdep_dio_map` preceded by an exclusive acquire and release of the
 * dio map (lock_sync-like: it waits for every holder), `at:` inode_dio_wait's caller (_RET_IP_).
 */
function dio_wait_read(cx: Kcx, inode: inode): Program<number> {
  const op = read_dio_count(inode);
  if (!cx.k.config.lockdep_dio_map) return run(op);
  return run(
    withEffectBefore(op, () => {
      lockdep_acquire(cx.world, cx.actor, inode.i_dio_map, { callerDepth: 1 });
      lockdep_release(cx.world, cx.actor, inode.i_dio_map);
    }),
  );
}

/**
 * fs/inode.c: inode_dio_wait. Returns 0 at once when no direct I/O is in flight; otherwise
 * sleeps until none is, uninterruptibly in v6.6, blind to signals and TIF_NOTIFY_SIGNAL. The
 * caller holds i_rwsem so no new direct I/O can start.
 *
 * In the dio-wait-interruptible variant the sleep is interruptible and returns -ERESTARTSYS for
 * callers that can unwind (`unwinds`). Jens Axboe's proposal converted the fallocate callers; the
 * model extends it to the truncate callers (xfs_setattr_size, ext4_setattr), which would need the
 * same error path, and keeps the write paths' drains uninterruptible.
 */
export const inode_dio_wait = kfunc(
  'fs/inode.c',
  function* inode_dio_wait(cx: Kcx, inode: inode, unwinds: boolean) {
    const n = yield* dio_wait_read(cx, inode);
    if (n === 0) return 0;
    return yield* __inode_dio_wait(cx, inode, unwinds && cx.k.config.inode_dio_wait_interruptible);
  },
);

/**
 * The drain before fallocate or truncate changes the extent map: inode_dio_wait, interruptible
 * in the dio-wait-interruptible variant, or (fallocate only) the -EAGAIN form of the
 * fallocate-nowait variant. Inline in the caller, so traces show the caller's frame.
 */
export function dio_drain(cx: Kcx, inode: inode, caller: 'fallocate' | 'truncate'): Program<number> {
  if (caller === 'fallocate' && cx.k.config.fallocate_nowait) return inode_dio_wait_nowait(cx, inode);
  return inode_dio_wait(cx, inode, true);
}

/**
 * The fallocate-nowait variant's drain (hypothetical, reference 9): instead of sleeping, fail
 * with -EAGAIN while direct I/O is in flight. The caller's retry can succeed only once the count
 * drops or the task has task_work to run on its way out (which may drop it), so that is the
 * retry hint left for user space.
 */
export const inode_dio_wait_nowait = kfunc(
  'fs/inode.c',
  function* inode_dio_wait_nowait(cx: Kcx, inode: inode) {
    const n = yield* run(read_dio_count(inode));
    if (n === 0) return 0;
    const task = current(cx);
    const counter = inode.i_dio_count;
    task.retry = {
      what: 'fallocate',
      objects: [counter, task.task_works],
      until: 'i_dio_count == 0, or task_work to run on the way out',
      cond: () => counter.value === 0 || task_work_pending(task),
    };
    return -EAGAIN;
  },
);

// include/linux/fs.h: the i_rwsem and invalidate_lock wrappers. Inline in the kernel, so they push
// no frames: lockdep reports the lock `at:` their caller.

/** include/linux/fs.h: inode_lock. */
export function inode_lock(cx: Kcx, ip: inode): Program<void> {
  return down_write(cx, ip.i_rwsem);
}

/** include/linux/fs.h: inode_unlock. */
export function inode_unlock(cx: Kcx, ip: inode): Program<void> {
  return up_write(cx, ip.i_rwsem);
}

/** include/linux/fs.h: inode_lock_shared. */
export function inode_lock_shared(cx: Kcx, ip: inode): Program<void> {
  return down_read(cx, ip.i_rwsem);
}

/** include/linux/fs.h: inode_unlock_shared. */
export function inode_unlock_shared(cx: Kcx, ip: inode): Program<void> {
  return up_read(cx, ip.i_rwsem);
}

/** include/linux/fs.h: inode_trylock. */
export function inode_trylock(cx: Kcx, ip: inode): Program<boolean> {
  return down_write_trylock(cx, ip.i_rwsem);
}

/** include/linux/fs.h: inode_trylock_shared. */
export function inode_trylock_shared(cx: Kcx, ip: inode): Program<boolean> {
  return down_read_trylock(cx, ip.i_rwsem);
}

/** include/linux/fs.h: filemap_invalidate_lock. */
export function filemap_invalidate_lock(cx: Kcx, ip: inode): Program<void> {
  return down_write(cx, ip.invalidate_lock);
}

/** include/linux/fs.h: filemap_invalidate_unlock. */
export function filemap_invalidate_unlock(cx: Kcx, ip: inode): Program<void> {
  return up_write(cx, ip.invalidate_lock);
}
