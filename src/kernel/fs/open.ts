import { kfunc } from '../../core/frames.js';
import { EBADF, EINVAL } from '../../sync/errno.js';
import { alloc_fd } from '../io_uring/io_uring.js';
import { current, type Kcx } from '../sched.js';
import { file_end_write, file_start_write } from './freeze.js';
import { file } from './fs.js';

const ENOENT = 2;

/**
 * fs/open.c: vfs_fallocate. Validates, takes freeze protection (sb_writers, read) and calls the
 * filesystem's ->fallocate.
 */
export const vfs_fallocate = kfunc(
  'fs/open.c',
  function* vfs_fallocate(cx: Kcx, f: file, mode: number, offset: number, len: number) {
    if (offset < 0 || len <= 0) return -EINVAL;
    yield* file_start_write(cx, f);
    const ret = yield* f.f_op.fallocate(cx, f, mode, offset, len);
    yield* file_end_write(cx, f);
    return ret;
  },
);

/** fs/open.c: ksys_fallocate. */
export const ksys_fallocate = kfunc(
  'fs/open.c',
  function* ksys_fallocate(cx: Kcx, fd: number, mode: number, offset: number, len: number) {
    const f = current(cx).files.get(fd);
    if (!f) return -EBADF;
    return yield* vfs_fallocate(cx, f, mode, offset, len);
  },
);

/** fs/open.c: SYSCALL_DEFINE4(fallocate). */
export const __x64_sys_fallocate = kfunc(
  'fs/open.c',
  function* __x64_sys_fallocate(cx: Kcx, fd: number, mode: number, offset: number, len: number) {
    return yield* ksys_fallocate(cx, fd, mode, offset, len);
  },
);

/** fs/open.c: SYSCALL_DEFINE3(open), on the model's flat namespace of regular files. */
export const __x64_sys_open = kfunc(
  'fs/open.c',
  function* __x64_sys_open(cx: Kcx, path: string, flags: number) {
    yield* [];
    const task = current(cx);
    const ip = cx.k.sb.files.get(path);
    if (!ip) return -ENOENT;
    const fd = alloc_fd(task);
    task.files.set(fd, new file(ip, flags, ip.i_sb.s_type.fops));
    return fd;
  },
);
