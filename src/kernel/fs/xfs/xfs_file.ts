import { LockstepError } from '../../../core/errors.js';
import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import { EAGAIN, EINVAL, EOPNOTSUPP } from '../../../sync/errno.js';
import type { Kcx } from '../../sched.js';
import { type file, type file_operations, IOCB_DIRECT, IOCB_NOWAIT, type kiocb } from '../fs.js';
import { inode_dio_wait } from '../inode.js';
import { type iomap_dio_ops, iomap_dio_rw } from '../iomap/direct-io.js';
import {
  XFS_IOLOCK_EXCL,
  XFS_IOLOCK_SHARED,
  XFS_MMAPLOCK_EXCL,
  xfs_ilock,
  xfs_ilock_iocb,
  xfs_iunlock,
} from './xfs_inode.js';

// include/uapi/linux/falloc.h
export const FALLOC_FL_KEEP_SIZE = 0x01;
const XFS_FALLOC_FL_SUPPORTED = FALLOC_FL_KEEP_SIZE;

/** fs/xfs/xfs_file.c: xfs_dio_write_end_io. Pure overwrites inside i_size need no work here. */
export const xfs_dio_write_end_io = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_dio_write_end_io(_cx: Kcx, _iocb: kiocb, size: number, error: number, _flags: number) {
    yield* [];
    return error || size;
  },
);

/** fs/xfs/xfs_file.c: xfs_dio_write_ops. */
export const xfs_dio_write_ops: iomap_dio_ops = { end_io: xfs_dio_write_end_io };

/**
 * fs/xfs/xfs_file.c: xfs_file_write_checks, for a write inside i_size with current timestamps:
 * nothing to zero, nothing to update. A write past EOF (which zeroes the gap after draining
 * direct I/O) is not modelled yet.
 */
export const xfs_file_write_checks = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_write_checks(_cx: Kcx, iocb: kiocb, _iolock: number) {
    const ip = iocb.ki_filp.f_inode;
    const pos = yield* run(atomic('xfs_file_write_checks: i_size_read', [ip], () => ip.i_size));
    if (iocb.ki_pos > pos) {
      if (iocb.ki_flags & IOCB_NOWAIT) return -EAGAIN;
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        'direct writes past EOF are not modelled yet',
        'write inside i_size',
      );
    }
    return 0;
  },
);

/**
 * fs/xfs/xfs_file.c: xfs_file_dio_write_aligned. IOLOCK shared (trylock under IOCB_NOWAIT), the
 * write checks, then iomap_dio_rw; unlocks before returning, even with the I/O still in flight.
 */
export const xfs_file_dio_write_aligned = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_dio_write_aligned(cx: Kcx, iocb: kiocb) {
    const ip = iocb.ki_filp.f_inode;
    const iolock = XFS_IOLOCK_SHARED;
    let ret = yield* xfs_ilock_iocb(cx, iocb, iolock);
    if (ret) return ret;
    ret = yield* xfs_file_write_checks(cx, iocb, iolock);
    if (ret === 0) ret = yield* iomap_dio_rw(cx, iocb, xfs_dio_write_ops, 0);
    yield* xfs_iunlock(cx, ip, iolock);
    return ret;
  },
);

/** fs/xfs/xfs_file.c: xfs_file_dio_write. Block-aligned writes only in this model. */
export const xfs_file_dio_write = kfunc(
  'fs/xfs/xfs_file.c',
  function* xfs_file_dio_write(cx: Kcx, iocb: kiocb) {
    const blockmask = 4095;
    if ((iocb.ki_pos | iocb.count) & 511) return -EINVAL;
    if ((iocb.ki_pos | iocb.count) & blockmask) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        'unaligned direct writes (xfs_file_dio_write_unaligned) are not modelled yet',
        'use 4096-byte aligned offsets and lengths',
      );
    }
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

/**
 * fs/xfs/xfs_file.c: xfs_file_fallocate. Takes IOLOCK and MMAPLOCK exclusive (i_rwsem, then
 * invalidate_lock), then drains direct I/O with inode_dio_wait before changing anything.
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
    yield* inode_dio_wait(cx, ip);
    // xfs_alloc_file_space: the range is allocated already except past EOF; growing the file
    // (xfs_vn_setattr_size) leaves the new range unwritten.
    yield* run(
      atomic(`xfs_alloc_file_space(${offset}, ${len})`, [ip], () => {
        const end = offset + len;
        if (!(mode & FALLOC_FL_KEEP_SIZE) && end > ip.i_size) {
          ip.extents = [...ip.extents, { start: ip.i_size, end, state: 'unwritten' }];
          ip.i_size = end;
        }
      }),
    );
    yield* xfs_iunlock(cx, ip, iolock);
    return 0;
  },
);

/** fs/xfs/xfs_file.c: xfs_file_operations, the methods the model calls. */
export const xfs_file_operations: file_operations = {
  write_iter: xfs_file_write_iter,
  fallocate: xfs_file_fallocate,
};
