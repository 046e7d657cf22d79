import { kfunc } from '../../core/frames.js';
import { EBADF, EINVAL } from '../../sync/errno.js';
import { alloc_fd } from '../io_uring/io_uring.js';
import { current, type Kcx } from '../sched.js';
import { file_end_write, file_start_write, sb_end_write, sb_start_write } from './freeze.js';
import { file, type iattr, type inode } from './fs.js';
import { inode_lock, inode_unlock } from './inode.js';

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

/**
 * fs/attr.c: notify_change, for a size change: the caller holds i_rwsem; the filesystem's
 * ->setattr does the rest.
 */
export const notify_change = kfunc('fs/attr.c', function* notify_change(cx: Kcx, ip: inode, attr: iattr) {
  return yield* ip.i_sb.s_type.iops.setattr(cx, ip, attr);
});

/** fs/open.c: do_truncate. i_rwsem (inode_lock) around notify_change. */
export const do_truncate = kfunc('fs/open.c', function* do_truncate(cx: Kcx, ip: inode, length: number) {
  if (length < 0) return -EINVAL;
  yield* inode_lock(cx, ip);
  const ret = yield* notify_change(cx, ip, { ia_size: length });
  yield* inode_unlock(cx, ip);
  return ret;
});

/** fs/open.c: do_sys_ftruncate. Freeze protection (sb_start_write) around do_truncate. */
export const do_sys_ftruncate = kfunc(
  'fs/open.c',
  function* do_sys_ftruncate(cx: Kcx, fd: number, length: number) {
    if (length < 0) return -EINVAL;
    const f = current(cx).files.get(fd);
    if (!f) return -EBADF;
    const ip = f.f_inode;
    yield* sb_start_write(cx, ip.i_sb);
    const ret = yield* do_truncate(cx, ip, length);
    yield* sb_end_write(cx, ip.i_sb);
    return ret;
  },
);

/** fs/open.c: SYSCALL_DEFINE2(ftruncate). */
export const __x64_sys_ftruncate = kfunc(
  'fs/open.c',
  function* __x64_sys_ftruncate(cx: Kcx, fd: number, length: number) {
    return yield* do_sys_ftruncate(cx, fd, length);
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
