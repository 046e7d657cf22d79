import { type LockMap, lockKey, lockMap, Validator, type ValidatorOptions } from '../../src/lockdep/index.js';

/** A mutex-like map with its own key, named like a kernel init expression. */
export function mutex(name: string, key = '__key.0'): LockMap {
  return lockMap(name, { key: lockKey(key), wait: 'mutex' });
}

/** A raw spinlock map (valid in hardirq context). */
export function rawSpin(name: string, key = '__key.0'): LockMap {
  return lockMap(name, { key: lockKey(key), wait: 'raw_spinlock' });
}

/** The io_uring / inode / mmap three-lock cycle: A->B, B->C recorded, then C held while taking A. */
export function threeLockCycle(options: ValidatorOptions = {}): Validator {
  const v = new Validator(options);
  const worker = v.task('iou-wrk-502', 503);
  const user = v.task('falloc-dio', 502);
  const A = mutex('&ctx->uring_lock', '__key.113');
  const B = lockMap('&sb->s_type->i_mutex_key', { key: lockKey('xfs_i_mutex_key'), wait: 'rwsem' });
  const C = lockMap('&mm->mmap_lock', { key: lockKey('__key.mmap'), wait: 'rwsem' });
  v.acquire(worker, A, {
    site: 'io_issue_sqe+0x48/0x3c0',
    frames: ['__mutex_lock+0x9a/0x950', 'io_issue_sqe+0x48/0x3c0', 'io_wq_submit_work+0x1d2/0x4a0'],
  });
  v.acquire(worker, B, {
    site: 'xfs_ilock+0x7e/0x180',
    frames: [
      'down_write+0x1f/0x50',
      'xfs_ilock+0x7e/0x180',
      'xfs_file_write_iter+0x8c/0x190',
      'io_write+0x1b6/0x520',
    ],
  });
  v.release(worker, B);
  v.release(worker, A);
  v.acquire(user, B, {
    site: 'xfs_ilock+0x7e/0x180',
    frames: ['down_write+0x1f/0x50', 'xfs_ilock+0x7e/0x180', 'xfs_file_fallocate+0x6a/0x4a0'],
  });
  v.acquire(user, C, {
    read: 1,
    site: 'xfs_file_fallocate+0x1a2/0x4a0',
    frames: ['down_read+0x1f/0x60', 'xfs_file_fallocate+0x1a2/0x4a0', 'vfs_fallocate+0x13c/0x3e0'],
  });
  v.release(user, C);
  v.release(user, B);
  v.acquire(user, C, {
    read: 1,
    site: 'do_user_addr_fault+0x1b4/0x6a0',
    frames: ['down_read+0x1f/0x60', 'do_user_addr_fault+0x1b4/0x6a0', 'exc_page_fault+0x64/0x140'],
  });
  v.acquire(user, A, {
    site: 'io_uring_enter+0x2a1/0x8c0',
    frames: ['__mutex_lock+0x9a/0x950', 'io_uring_enter+0x2a1/0x8c0', 'do_syscall_64+0x3f/0x90'],
  });
  return v;
}

/** spin_lock(&foo->lock) twice on one task. */
export function selfDeadlock(options: ValidatorOptions = {}): Validator {
  const v = new Validator(options);
  const t = v.task('kworker/0:1', 40);
  const L = lockMap('&foo->lock', { key: lockKey('__key.foo'), wait: 'spinlock' });
  const M = mutex('&dev->mutex');
  v.acquire(t, M, {
    site: 'foo_probe+0x21/0x90',
    frames: ['__mutex_lock+0x9a/0x950', 'foo_probe+0x21/0x90'],
  });
  v.acquire(t, L, {
    site: 'foo_update+0x1c/0x60',
    frames: ['_raw_spin_lock+0x2c/0x40', 'foo_update+0x1c/0x60', 'foo_probe+0x40/0x90'],
  });
  v.acquire(t, L, {
    site: 'foo_notify+0x10/0x30',
    frames: [
      '_raw_spin_lock+0x2c/0x40',
      'foo_notify+0x10/0x30',
      'foo_update+0x3a/0x60',
      'foo_probe+0x40/0x90',
    ],
  });
  return v;
}

/** A raw spinlock taken in hardirq, which earlier took a lock that process context takes with irqs on. */
export function irqInversion(options: ValidatorOptions = {}): Validator {
  const v = new Validator(options);
  const t = v.task('fio', 700);
  const Q = rawSpin('&q->requeue_lock', '__key.31');
  const S = rawSpin('&stats->lock', '__key.7');
  // Process context, irqs off: requeue_lock -> stats->lock.
  v.hardirqsOff(t, { site: 'blk_mq_requeue_work+0x3d/0x1a0' });
  v.acquire(t, Q, {
    site: 'blk_mq_requeue_work+0x44/0x1a0',
    frames: ['_raw_spin_lock+0x2c/0x40', 'blk_mq_requeue_work+0x44/0x1a0'],
  });
  v.acquire(t, S, {
    site: 'blk_account_io+0x12/0x80',
    frames: ['_raw_spin_lock+0x2c/0x40', 'blk_account_io+0x12/0x80', 'blk_mq_requeue_work+0x60/0x1a0'],
  });
  v.release(t, S);
  v.release(t, Q);
  v.hardirqsOn(t, { site: 'blk_mq_requeue_work+0x90/0x1a0' });
  // Hardirq: requeue_lock becomes HARDIRQ-safe.
  v.hardirqEnter(t, { site: 'common_interrupt+0x12/0xa0' });
  v.acquire(t, Q, {
    site: 'nvme_irq+0x30/0x90',
    frames: ['_raw_spin_lock+0x2c/0x40', 'nvme_irq+0x30/0x90', '__handle_irq_event_percpu+0x44/0x1a0'],
  });
  v.release(t, Q);
  v.hardirqExit(t, { site: 'irqentry_exit+0x30/0x40' });
  // Process context, irqs on: stats->lock becomes HARDIRQ-unsafe.
  v.acquire(t, S, {
    site: 'blk_stat_show+0x20/0x70',
    frames: ['_raw_spin_lock+0x2c/0x40', 'blk_stat_show+0x20/0x70', 'seq_read_iter+0x11a/0x450'],
  });
  return v;
}

/** An unlock of a mutex that is not held. */
export function badUnlock(options: ValidatorOptions = {}): Validator {
  const v = new Validator(options);
  const t = v.task('modprobe', 311);
  const A = mutex('&drv->lock');
  const B = mutex('&bus->lock');
  v.acquire(t, B, { site: 'bus_add_driver+0x2e/0x220' });
  v.acquire(t, A, { site: 'drv_init+0x14/0x80' });
  v.release(t, A, { site: 'drv_init+0x3a/0x80' });
  v.release(t, A, {
    site: 'drv_cleanup+0x1c/0x40',
    frames: ['mutex_unlock+0x10/0x20', 'drv_cleanup+0x1c/0x40', 'drv_init+0x52/0x80'],
  });
  return v;
}
