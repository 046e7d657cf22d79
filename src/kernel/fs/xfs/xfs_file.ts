import { LockstepError } from '../../../core/errors.js';
import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import { EAGAIN, EINVAL, EOPNOTSUPP } from '../../../sync/errno.js';
import type { Kcx } from '../../sched.js';
import {
  BLOCK_SIZE,
  FALLOC_FL_COLLAPSE_RANGE,
  FALLOC_FL_INSERT_RANGE,
  FALLOC_FL_KEEP_SIZE,
  FALLOC_FL_PUNCH_HOLE,
  FALLOC_FL_ZERO_RANGE,
  type file,
  type file_operations,
  IOCB_DIRECT,
  IOCB_NOWAIT,
  type inode,
  type kiocb,
} from '../fs.js';
import { dio_drain, inode_dio_wait } from '../inode.js';
import {
  IOMAP_DIO_FORCE_WAIT,
  IOMAP_DIO_OVERWRITE_ONLY,
  IOMAP_DIO_UNWRITTEN,
  type iomap_dio_ops,
  iomap_dio_rw,
} from '../iomap/direct-io.js';
import {
  XFS_IOLOCK_EXCL,
  XFS_IOLOCK_SHARED,
  XFS_MMAPLOCK_EXCL,
  xfs_ilock,
  xfs_ilock_demote,
  xfs_ilock_iocb,
  xfs_iunlock,
} from './xfs_inode.js';
import { xfs_direct_write_iomap_ops } from './xfs_iomap.js';
import { xfs_vn_setattr_size } from './xfs_iops.js';

const XFS_FALLOC_FL_SUPPORTED =
  FALLOC_FL_KEEP_SIZE |
  FALLOC_FL_PUNCH_HOLE |
  FALLOC_FL_ZERO_RANGE |
  FALLOC_FL_COLLAPSE_RANGE |
  FALLOC_FL_INSERT_RANGE;

/**
 * fs/xfs/xfs_file.c: xfs_dio_write_end_io. Converts the written range of unwritten extents
 * (xfs_iomap_write_unwritten) and moves EOF out for a write past it. Returns 0 or the error.
 */
export const xfs_dio_write_end_io = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_dio_write_end_io(_cx: Kcx, iocb: kiocb, size: number, error: number, flags: number) {
    if (error) return error;
    const ip = iocb.ki_filp.f_inode;
    const offset = iocb.ki_pos;
    yield* run(
      atomic(
        `xfs_dio_write_end_io(${offset}, ${size})`,
        [ip],
        () => {
          if (flags & IOMAP_DIO_UNWRITTEN) ip.convertUnwritten(offset, size);
          if (offset + size > ip.i_size) ip.i_size = offset + size;
        },
        () => `i_size ${ip.i_size}; ${ip.extentMap()}`,
      ),
    );
    return 0;
  },
);

/** fs/xfs/xfs_file.c: xfs_dio_write_ops. */
export const xfs_dio_write_ops: iomap_dio_ops = { end_io: xfs_dio_write_end_io };

/** The iolock a write holds, which xfs_file_write_checks may upgrade (the kernel passes it by pointer). */
interface IolockRef {
  iolock: number;
}

/**
 * fs/xfs/xfs_file.c: xfs_file_write_checks. A write that starts past EOF must zero the gap:
 * NOWAIT gives up with -EAGAIN; otherwise the iolock goes exclusive, in-flight direct I/O is
 * drained once (inode_dio_wait, since AIO completions move EOF) and the checks restart.
 * Timestamps and privileges are taken as current (IS_NOSEC), so nothing else upgrades the lock.
 */
export const xfs_file_write_checks = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_write_checks(cx: Kcx, iocb: kiocb, lock: IolockRef) {
    const ip = iocb.ki_filp.f_inode;
    let drained_dio = false;
    for (;;) {
      const isize = yield* run(atomic('xfs_file_write_checks: i_size_read', [ip], () => ip.i_size));
      if (iocb.ki_pos <= isize) return 0;
      if (iocb.ki_flags & IOCB_NOWAIT) return -EAGAIN;
      if (drained_dio) {
        // xfs_zero_range(ip, isize, pos - isize): page-cache zeroing of the gap; holes read as zeros.
        return 0;
      }
      if (lock.iolock === XFS_IOLOCK_SHARED) {
        yield* xfs_iunlock(cx, ip, lock.iolock);
        lock.iolock = XFS_IOLOCK_EXCL;
        yield* xfs_ilock(cx, ip, lock.iolock);
      }
      yield* inode_dio_wait(cx, ip, false);
      drained_dio = true;
    }
  },
);

/**
 * fs/xfs/xfs_file.c: xfs_file_dio_write_aligned. IOLOCK shared (trylock under IOCB_NOWAIT), the
 * write checks (demoting an exclusive lock they took), then iomap_dio_rw; unlocks before
 * returning, even with the I/O still in flight.
 */
export const xfs_file_dio_write_aligned = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_dio_write_aligned(cx: Kcx, iocb: kiocb) {
    const ip = iocb.ki_filp.f_inode;
    const lock: IolockRef = { iolock: XFS_IOLOCK_SHARED };
    let ret = yield* xfs_ilock_iocb(cx, iocb, lock.iolock);
    if (ret) return ret;
    ret = yield* xfs_file_write_checks(cx, iocb, lock);
    if (ret === 0) {
      if (lock.iolock === XFS_IOLOCK_EXCL) {
        yield* xfs_ilock_demote(cx, ip, XFS_IOLOCK_EXCL);
        lock.iolock = XFS_IOLOCK_SHARED;
      }
      ret = yield* iomap_dio_rw(cx, iocb, xfs_direct_write_iomap_ops, xfs_dio_write_ops, 0);
    }
    yield* xfs_iunlock(cx, ip, lock.iolock);
    return ret;
  },
);

/**
 * fs/xfs/xfs_file.c: xfs_file_dio_write_unaligned. An extending write (ending at or past EOF)
 * needs the IOLOCK exclusive and IOMAP_DIO_FORCE_WAIT, which NOWAIT refuses with -EAGAIN; other
 * unaligned writes try a shared-lock IOMAP_DIO_OVERWRITE_ONLY write first. Exclusive unaligned
 * I/O must be the only I/O in flight, so it drains the rest with inode_dio_wait. A blocking
 * overwrite-only attempt that iomap refuses is retried exclusively.
 */
export const xfs_file_dio_write_unaligned = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_dio_write_unaligned(cx: Kcx, iocb: kiocb) {
    const ip = iocb.ki_filp.f_inode;
    const isize = yield* run(atomic('xfs_file_dio_write_unaligned: i_size_read', [ip], () => ip.i_size));
    const lock: IolockRef = { iolock: XFS_IOLOCK_SHARED };
    let flags: number;
    if (iocb.ki_pos > isize || iocb.ki_pos + iocb.count >= isize) {
      if (iocb.ki_flags & IOCB_NOWAIT) return -EAGAIN;
      lock.iolock = XFS_IOLOCK_EXCL;
      flags = IOMAP_DIO_FORCE_WAIT;
    } else {
      flags = IOMAP_DIO_OVERWRITE_ONLY;
    }
    for (;;) {
      let ret = yield* xfs_ilock_iocb(cx, iocb, lock.iolock);
      if (ret) return ret;
      ret = yield* xfs_file_write_checks(cx, iocb, lock);
      if (ret === 0) {
        // Exclusive unaligned I/O must be the only I/O in flight: drain all other I/O first.
        if (flags & IOMAP_DIO_FORCE_WAIT) yield* inode_dio_wait(cx, ip, false);
        ret = yield* iomap_dio_rw(cx, iocb, xfs_direct_write_iomap_ops, xfs_dio_write_ops, flags);
        if (ret === -EAGAIN && !(iocb.ki_flags & IOCB_NOWAIT)) {
          // retry_exclusive:
          yield* xfs_iunlock(cx, ip, lock.iolock);
          lock.iolock = XFS_IOLOCK_EXCL;
          flags = IOMAP_DIO_FORCE_WAIT;
          continue;
        }
      }
      yield* xfs_iunlock(cx, ip, lock.iolock);
      return ret;
    }
  },
);

/** fs/xfs/xfs_file.c: xfs_file_dio_write. Sub-block (unaligned) writes take the unaligned path. */
export const xfs_file_dio_write = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_dio_write(cx: Kcx, iocb: kiocb) {
    // Sector-aligned (512) at least; block-unaligned takes the unaligned path.
    if ((iocb.ki_pos | iocb.count) & 511) return -EINVAL;
    if ((iocb.ki_pos | iocb.count) & (BLOCK_SIZE - 1)) return yield* xfs_file_dio_write_unaligned(cx, iocb);
    return yield* xfs_file_dio_write_aligned(cx, iocb);
  },
);

/** fs/xfs/xfs_file.c: xfs_file_write_iter. */
export const xfs_file_write_iter = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_write_iter(cx: Kcx, iocb: kiocb) {
    if (!(iocb.ki_flags & IOCB_DIRECT)) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        'buffered writes are not modelled',
        'open the file with O_DIRECT',
      );
    }
    return yield* xfs_file_dio_write(cx, iocb);
  },
);

/** The extent work of each fallocate mode (xfs_free_file_space, xfs_alloc_file_space, the shifts). */
function falloc_extents(ip: inode, mode: number, offset: number, len: number): number {
  const end = offset + len;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    ip.setRange(offset, len, 'hole');
    return 0;
  }
  if (mode & FALLOC_FL_COLLAPSE_RANGE) {
    ip.collapseRange(offset, len);
    return 0;
  }
  if (mode & FALLOC_FL_INSERT_RANGE) {
    ip.insertRange(offset, len);
    return 0;
  }
  if (mode & FALLOC_FL_ZERO_RANGE) ip.setRange(offset, len, 'hole');
  ip.preallocate(offset, len);
  return !(mode & FALLOC_FL_KEEP_SIZE) && end > ip.i_size ? end : 0;
}

/**
 * fs/xfs/xfs_file.c: xfs_file_fallocate. Takes IOLOCK and MMAPLOCK exclusive (i_rwsem, then
 * invalidate_lock), then drains direct I/O with inode_dio_wait before changing anything: AIO
 * completions can move EOF without any lock held here. Then the mode's extent work, and a size
 * change through xfs_vn_setattr_size.
 */
export const xfs_file_fallocate = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_fallocate(cx: Kcx, f: file, mode: number, offset: number, len: number) {
    const ip = f.f_inode;
    if (mode & ~XFS_FALLOC_FL_SUPPORTED) return -EOPNOTSUPP;
    const iolock = XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL;
    yield* xfs_ilock(cx, ip, iolock);
    // xfs_break_layouts(BREAK_UNMAP): no pNFS layouts in the model.
    // Must wait for all AIO to complete before we continue, as AIO can change the file size on completion.
    let error = yield* dio_drain(cx, ip, 'fallocate');
    if (error === 0) {
      const shift = mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE);
      const new_size = yield* run(
        atomic(
          `xfs_file_fallocate: mode 0x${mode.toString(16)} (${offset}, ${len})`,
          [ip],
          () => {
            if (shift && (offset | len) & (BLOCK_SIZE - 1)) return -EINVAL;
            if (mode & FALLOC_FL_COLLAPSE_RANGE && offset + len >= ip.i_size) return -EINVAL;
            if (mode & FALLOC_FL_INSERT_RANGE && offset >= ip.i_size) return -EINVAL;
            return falloc_extents(ip, mode, offset, len);
          },
          () => `i_size ${ip.i_size}; ${ip.extentMap()}`,
        ),
      );
      if (new_size < 0) error = new_size;
      else if (new_size > 0) error = yield* xfs_vn_setattr_size(cx, ip, { ia_size: new_size });
    }
    yield* xfs_iunlock(cx, ip, iolock);
    return error;
  },
);

/** fs/xfs/xfs_file.c: xfs_file_operations, the methods the model calls. */
export const xfs_file_operations: file_operations = {
  write_iter: xfs_file_write_iter,
  fallocate: xfs_file_fallocate,
};
