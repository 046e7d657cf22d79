import { LockstepError } from '../../../core/errors.js';
import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import { EAGAIN, EINVAL } from '../../../sync/errno.js';
import type { Kcx } from '../../sched.js';
import { BLOCK_SIZE, type file_operations, IOCB_DIRECT, IOCB_NOWAIT, type kiocb } from '../fs.js';
import {
  inode_dio_wait,
  inode_lock,
  inode_lock_shared,
  inode_trylock,
  inode_trylock_shared,
  inode_unlock,
  inode_unlock_shared,
} from '../inode.js';
import {
  IOMAP_DIO_FORCE_WAIT,
  IOMAP_DIO_UNWRITTEN,
  type iomap_dio_ops,
  iomap_dio_rw,
} from '../iomap/direct-io.js';
import { ext4_fallocate } from './extents.js';
import { ext4_iomap_ops, ext4_iomap_overwrite_ops } from './inode.js';

/**
 * fs/ext4/file.c: ext4_dio_write_end_io. Converts the unwritten extents the write covered and,
 * for an extending write, moves i_size (6.6 does it here, before the page cache is invalidated).
 */
export const ext4_dio_write_end_io = kfunc(
  'fs/ext4/file.c',
  function* ext4_dio_write_end_io(_cx: Kcx, iocb: kiocb, size: number, error: number, flags: number) {
    if (error) return error;
    const ip = iocb.ki_filp.f_inode;
    const pos = iocb.ki_pos;
    yield* run(
      atomic(
        `ext4_dio_write_end_io(${pos}, ${size})`,
        [ip],
        () => {
          if (size && flags & IOMAP_DIO_UNWRITTEN) ip.convertUnwritten(pos, size);
          if (pos + size > ip.i_size) ip.i_size = pos + size;
        },
        () => `i_size ${ip.i_size}; ${ip.extentMap()}`,
      ),
    );
    return 0;
  },
);

/** fs/ext4/file.c: ext4_dio_write_ops. */
export const ext4_dio_write_ops: iomap_dio_ops = { end_io: ext4_dio_write_end_io };

/** What ext4_dio_write_checks settles, passed back by pointer in the kernel. */
interface DioWriteState {
  ilock_shared: boolean;
  extend: boolean;
  unwritten: boolean;
  dio_flags: number;
}

/**
 * fs/ext4/file.c: ext4_dio_write_checks. Upgrades a shared i_rwsem to exclusive for extending
 * writes, non-overwrites and unaligned writes into unwritten blocks (NOWAIT: -EAGAIN); under the
 * exclusive lock an unaligned or extending write is FORCE_WAIT, and an unaligned one that is not
 * a pure overwrite of written blocks first drains in-flight direct I/O (inode_dio_wait).
 * IS_NOSEC is taken as set. On error the lock is released here.
 */
export const ext4_dio_write_checks = kfunc(
  'fs/ext4/file.c',
  function* ext4_dio_write_checks(cx: Kcx, iocb: kiocb, st: DioWriteState) {
    const ip = iocb.ki_filp.f_inode;
    const offset = iocb.ki_pos;
    const count = iocb.count;
    let ret = 0;
    for (;;) {
      const unaligned_io = ((offset | count) & (BLOCK_SIZE - 1)) !== 0;
      const { extend, overwrite, unwritten } = yield* run(
        atomic('ext4_dio_write_checks: ext4_extending_io, ext4_overwrite_io', [ip], () => {
          const state = ip.rangeState(offset, count);
          const inside = offset + count <= ip.i_size;
          return {
            extend: offset + count > ip.i_size,
            overwrite: inside && (state === 'written' || state === 'unwritten'),
            unwritten: inside && state === 'unwritten',
          };
        }),
      );
      st.extend = extend;
      st.unwritten = unwritten;
      if (st.ilock_shared && (extend || !overwrite || (unaligned_io && unwritten))) {
        if (iocb.ki_flags & IOCB_NOWAIT) {
          ret = -EAGAIN;
          break;
        }
        yield* inode_unlock_shared(cx, ip);
        st.ilock_shared = false;
        yield* inode_lock(cx, ip);
        continue;
      }
      if (!st.ilock_shared && (unaligned_io || extend)) {
        if (iocb.ki_flags & IOCB_NOWAIT) {
          ret = -EAGAIN;
          break;
        }
        if (unaligned_io && (!overwrite || unwritten)) yield* inode_dio_wait(cx, ip, false);
        st.dio_flags = IOMAP_DIO_FORCE_WAIT;
      }
      // file_modified: timestamps are taken as current.
      return count;
    }
    if (st.ilock_shared) yield* inode_unlock_shared(cx, ip);
    else yield* inode_unlock(cx, ip);
    return ret;
  },
);

/**
 * fs/ext4/file.c: ext4_dio_write_iter. Shared i_rwsem unless the write extends the file (a
 * trylock under IOCB_NOWAIT), the checks above, then iomap_dio_rw with the overwrite ops when
 * shared over written blocks. The lock is dropped before returning, with the I/O in flight.
 */
export const ext4_dio_write_iter = kfunc(
  'fs/ext4/file.c',
  function* ext4_dio_write_iter(cx: Kcx, iocb: kiocb) {
    const ip = iocb.ki_filp.f_inode;
    if ((iocb.ki_pos | iocb.count) & 511) return -EINVAL;
    // Quick check here without any i_rwsem lock to see if it is extending IO.
    const size = yield* run(atomic('ext4_dio_write_iter: i_size_read', [ip], () => ip.i_size));
    const st: DioWriteState = {
      ilock_shared: iocb.ki_pos + iocb.count <= size,
      extend: false,
      unwritten: false,
      dio_flags: 0,
    };
    if (iocb.ki_flags & IOCB_NOWAIT) {
      const ok = st.ilock_shared ? yield* inode_trylock_shared(cx, ip) : yield* inode_trylock(cx, ip);
      if (!ok) return -EAGAIN;
    } else if (st.ilock_shared) {
      yield* inode_lock_shared(cx, ip);
    } else {
      yield* inode_lock(cx, ip);
    }
    let ret = yield* ext4_dio_write_checks(cx, iocb, st);
    if (ret <= 0) return ret;
    // extend: ext4_orphan_add in a journal handle; the journal is not modelled.
    const ops = st.ilock_shared && !st.unwritten ? ext4_iomap_overwrite_ops : ext4_iomap_ops;
    ret = yield* iomap_dio_rw(cx, iocb, ops, ext4_dio_write_ops, st.dio_flags);
    if (st.ilock_shared) yield* inode_unlock_shared(cx, ip);
    else yield* inode_unlock(cx, ip);
    return ret;
  },
);

/** fs/ext4/file.c: ext4_file_write_iter. */
export const ext4_file_write_iter = kfunc(
  'fs/ext4/file.c',
  function* ext4_file_write_iter(cx: Kcx, iocb: kiocb) {
    if (!(iocb.ki_flags & IOCB_DIRECT)) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        'buffered writes are not modelled',
        'open the file with O_DIRECT',
      );
    }
    return yield* ext4_dio_write_iter(cx, iocb);
  },
);

/** fs/ext4/file.c: ext4_file_operations, the methods the model calls. */
export const ext4_file_operations: file_operations = {
  write_iter: ext4_file_write_iter,
  fallocate: ext4_fallocate,
};
