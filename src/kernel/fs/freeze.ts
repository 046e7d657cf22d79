import type { Program } from '../../core/op.js';
import {
  percpu_down_read,
  percpu_rwsem_acquire,
  percpu_rwsem_release,
  percpu_up_read,
  type ReadHold,
} from '../../sync/percpu-rwsem.js';
import type { Kcx } from '../sched.js';
import type { file, kiocb, super_block } from './fs.js';

// Freeze protection (include/linux/fs.h, fs/super.c). These are inline in the kernel, so they
// push no frames: lockdep reports the lock `at:` their caller (vfs_fallocate, io_write).

/** include/linux/fs.h: sb_start_write (SB_FREEZE_WRITE). */
export function sb_start_write(cx: Kcx, sb: super_block): Program<void> {
  return percpu_down_read(cx, sb.s_writers);
}

/** include/linux/fs.h: sb_end_write. */
export function sb_end_write(cx: Kcx, sb: super_block, hold?: ReadHold): Program<void> {
  return percpu_up_read(cx, sb.s_writers, hold);
}

/** include/linux/fs.h: file_start_write (regular files only; the model has no others). */
export function file_start_write(cx: Kcx, f: file): Program<void> {
  return sb_start_write(cx, f.f_inode.i_sb);
}

/** include/linux/fs.h: file_end_write. */
export function file_end_write(cx: Kcx, f: file): Program<void> {
  return sb_end_write(cx, f.f_inode.i_sb);
}

/**
 * include/linux/fs.h: kiocb_start_write. Takes sb_writers for read, then tells lockdep it was
 * released (__sb_writers_release), so the hold travels with the write until kiocb_end_write.
 */
export function* kiocb_start_write(cx: Kcx, iocb: kiocb): Program<void> {
  const sb = iocb.ki_filp.f_inode.i_sb;
  yield* sb_start_write(cx, sb);
  iocb.writeHold = percpu_rwsem_release(cx, sb.s_writers, 'a write in flight');
}

/** include/linux/fs.h: kiocb_end_write. __sb_writers_acquired, then sb_end_write, in the completing context. */
export function* kiocb_end_write(cx: Kcx, iocb: kiocb): Program<void> {
  const sb = iocb.ki_filp.f_inode.i_sb;
  const hold = iocb.writeHold;
  if (!hold) throw new Error('kiocb_end_write without kiocb_start_write');
  iocb.writeHold = null;
  percpu_rwsem_acquire(cx, sb.s_writers, hold);
  yield* sb_end_write(cx, sb, hold);
}
