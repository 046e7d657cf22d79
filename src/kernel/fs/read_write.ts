import { kfunc } from '../../core/frames.js';
import { EBADF, EINVAL } from '../../sync/errno.js';
import { current, type Kcx } from '../sched.js';
import { file_end_write, file_start_write } from './freeze.js';
import { type file, iocb_flags, kiocb } from './fs.js';

/**
 * fs/read_write.c: vfs_write -> new_sync_write for a ->write_iter file: a synchronous kiocb
 * (is_sync_kiocb), so direct I/O waits in the caller and completes before returning.
 */
export const vfs_write = kfunc(
  'fs/read_write.c',
  function* vfs_write(cx: Kcx, f: file, count: number, pos: number) {
    if (pos < 0) return -EINVAL;
    yield* file_start_write(cx, f);
    const iocb = new kiocb(f, pos, count, iocb_flags(f));
    const ret = yield* f.f_op.write_iter(cx, iocb);
    yield* file_end_write(cx, f);
    return ret;
  },
);

/** fs/read_write.c: ksys_pwrite64. */
export const ksys_pwrite64 = kfunc(
  'fs/read_write.c',
  function* ksys_pwrite64(cx: Kcx, fd: number, count: number, pos: number) {
    const f = current(cx).files.get(fd);
    if (!f) return -EBADF;
    return yield* vfs_write(cx, f, count, pos);
  },
);

/** fs/read_write.c: SYSCALL_DEFINE4(pwrite64). */
export const __x64_sys_pwrite64 = kfunc(
  'fs/read_write.c',
  function* __x64_sys_pwrite64(cx: Kcx, fd: number, count: number, pos: number) {
    return yield* ksys_pwrite64(cx, fd, count, pos);
  },
);
