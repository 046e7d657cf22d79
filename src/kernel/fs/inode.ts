import { kfunc } from '../../core/frames.js';
import { atomic, type Program, run } from '../../core/op.js';
import { atomic_dec_and_test, atomic_inc, type Obligation } from '../../sync/atomic-counter.js';
import { wait_event } from '../../sync/wait.js';
import type { Kcx } from '../sched.js';
import type { inode } from './fs.js';

/** include/linux/fs.h: inode_dio_begin. Raises i_dio_count; `dio` is what will lower it. */
export function inode_dio_begin(_cx: Kcx, inode: inode, dio: Obligation): Program<number> {
  return run(atomic_inc(inode.i_dio_count, dio, 'inode_dio_begin: atomic_inc(&inode->i_dio_count)'));
}

/**
 * fs/inode.c: inode_dio_end. Lowers i_dio_count; at zero, wake_up_bit(__I_DIO_WAKEUP) wakes every
 * inode_dio_wait sleeper (their wait guards read the counter).
 */
export const inode_dio_end = kfunc(
  'fs/inode.c',
  function* inode_dio_end(_cx: Kcx, inode: inode, dio: Obligation) {
    yield* run(
      atomic_dec_and_test(inode.i_dio_count, dio, 'inode_dio_end: atomic_dec_and_test(&inode->i_dio_count)'),
    );
  },
);

/** fs/inode.c: __inode_dio_wait. Sleeps TASK_UNINTERRUPTIBLE until i_dio_count is zero. */
export const __inode_dio_wait = kfunc('fs/inode.c', function* __inode_dio_wait(cx: Kcx, inode: inode) {
  const counter = inode.i_dio_count;
  yield wait_event(cx, {
    object: counter,
    until: 'i_dio_count == 0',
    cond: () => counter.value === 0,
    state: 'D',
    ti: cx.current?.ti ?? null,
    label: '__inode_dio_wait: wait for i_dio_count == 0',
  });
});

/**
 * fs/inode.c: inode_dio_wait. Returns at once when no direct I/O is in flight; otherwise sleeps
 * uninterruptibly, blind to signals and TIF_NOTIFY_SIGNAL. The caller holds i_rwsem so no new
 * direct I/O can start.
 */
export const inode_dio_wait = kfunc('fs/inode.c', function* inode_dio_wait(cx: Kcx, inode: inode) {
  const n = yield* run(
    atomic(
      'inode_dio_wait: atomic_read(&inode->i_dio_count)',
      [inode.i_dio_count],
      () => inode.i_dio_count.value,
      () => `i_dio_count = ${inode.i_dio_count.value}`,
    ),
  );
  if (n !== 0) yield* __inode_dio_wait(cx, inode);
});
