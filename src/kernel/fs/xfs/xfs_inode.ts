import { kfunc } from '../../../core/frames.js';
import { EAGAIN } from '../../../sync/errno.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  down_write_trylock,
  downgrade_write,
  up_read,
  up_write,
} from '../../../sync/rwsem.js';
import type { Kcx } from '../../sched.js';
import { IOCB_NOWAIT, type inode, type kiocb } from '../fs.js';

// fs/xfs/xfs_inode.h: lock flags. The ILOCK (XFS's own inode lock) is not modelled.
export const XFS_IOLOCK_EXCL = 1 << 0;
export const XFS_IOLOCK_SHARED = 1 << 1;
export const XFS_MMAPLOCK_EXCL = 1 << 4;
export const XFS_MMAPLOCK_SHARED = 1 << 5;

/** fs/xfs/xfs_inode.c: xfs_ilock. IOLOCK = i_rwsem, then MMAPLOCK = mapping->invalidate_lock. */
export const xfs_ilock = kfunc(
  'fs/xfs/xfs_inode.c',
  function* xfs_ilock(cx: Kcx, ip: inode, lock_flags: number) {
    if (lock_flags & XFS_IOLOCK_EXCL) yield* down_write(cx, ip.i_rwsem);
    else if (lock_flags & XFS_IOLOCK_SHARED) yield* down_read(cx, ip.i_rwsem);
    if (lock_flags & XFS_MMAPLOCK_EXCL) yield* down_write(cx, ip.invalidate_lock);
    else if (lock_flags & XFS_MMAPLOCK_SHARED) yield* down_read(cx, ip.invalidate_lock);
  },
);

/** fs/xfs/xfs_inode.c: xfs_ilock_nowait. Trylocks; true when every requested lock was taken. */
export const xfs_ilock_nowait = kfunc(
  'fs/xfs/xfs_inode.c',
  function* xfs_ilock_nowait(cx: Kcx, ip: inode, lock_flags: number) {
    if (lock_flags & XFS_IOLOCK_EXCL) {
      if (!(yield* down_write_trylock(cx, ip.i_rwsem))) return false;
    } else if (lock_flags & XFS_IOLOCK_SHARED) {
      if (!(yield* down_read_trylock(cx, ip.i_rwsem))) return false;
    }
    if (lock_flags & (XFS_MMAPLOCK_EXCL | XFS_MMAPLOCK_SHARED)) {
      const ok =
        lock_flags & XFS_MMAPLOCK_EXCL
          ? yield* down_write_trylock(cx, ip.invalidate_lock)
          : yield* down_read_trylock(cx, ip.invalidate_lock);
      if (!ok) {
        if (lock_flags & XFS_IOLOCK_EXCL) yield* up_write(cx, ip.i_rwsem);
        else if (lock_flags & XFS_IOLOCK_SHARED) yield* up_read(cx, ip.i_rwsem);
        return false;
      }
    }
    return true;
  },
);

/** fs/xfs/xfs_inode.c: xfs_iunlock. Releases in the reverse order of xfs_ilock. */
export const xfs_iunlock = kfunc(
  'fs/xfs/xfs_inode.c',
  function* xfs_iunlock(cx: Kcx, ip: inode, lock_flags: number) {
    if (lock_flags & XFS_MMAPLOCK_EXCL) yield* up_write(cx, ip.invalidate_lock);
    else if (lock_flags & XFS_MMAPLOCK_SHARED) yield* up_read(cx, ip.invalidate_lock);
    if (lock_flags & XFS_IOLOCK_EXCL) yield* up_write(cx, ip.i_rwsem);
    else if (lock_flags & XFS_IOLOCK_SHARED) yield* up_read(cx, ip.i_rwsem);
  },
);

/** fs/xfs/xfs_inode.c: xfs_ilock_demote. Turns an exclusive IOLOCK into a shared one (downgrade_write). */
export const xfs_ilock_demote = kfunc(
  'fs/xfs/xfs_inode.c',
  function* xfs_ilock_demote(cx: Kcx, ip: inode, lock_flags: number) {
    if (lock_flags & XFS_MMAPLOCK_EXCL) yield* downgrade_write(cx, ip.invalidate_lock);
    if (lock_flags & XFS_IOLOCK_EXCL) yield* downgrade_write(cx, ip.i_rwsem);
  },
);

/** fs/xfs/xfs_file.c: xfs_ilock_iocb. With IOCB_NOWAIT, trylock or -EAGAIN. */
export const xfs_ilock_iocb = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_ilock_iocb(cx: Kcx, iocb: kiocb, lock_mode: number) {
    const ip = iocb.ki_filp.f_inode;
    if (iocb.ki_flags & IOCB_NOWAIT) {
      if (!(yield* xfs_ilock_nowait(cx, ip, lock_mode))) return -EAGAIN;
    } else {
      yield* xfs_ilock(cx, ip, lock_mode);
    }
    return 0;
  },
);
