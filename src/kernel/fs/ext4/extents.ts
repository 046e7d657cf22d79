import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import { EINVAL, EOPNOTSUPP } from '../../../sync/errno.js';
import type { Kcx } from '../../sched.js';
import {
  BLOCK_SIZE,
  FALLOC_FL_COLLAPSE_RANGE,
  FALLOC_FL_INSERT_RANGE,
  FALLOC_FL_KEEP_SIZE,
  FALLOC_FL_PUNCH_HOLE,
  FALLOC_FL_ZERO_RANGE,
  type file,
  type inode,
} from '../fs.js';
import {
  dio_drain,
  filemap_invalidate_lock,
  filemap_invalidate_unlock,
  inode_lock,
  inode_unlock,
} from '../inode.js';

const EXT4_FALLOC_SUPPORTED =
  FALLOC_FL_KEEP_SIZE |
  FALLOC_FL_PUNCH_HOLE |
  FALLOC_FL_COLLAPSE_RANGE |
  FALLOC_FL_ZERO_RANGE |
  FALLOC_FL_INSERT_RANGE;

/**
 * fs/ext4/extents.c: ext4_alloc_file_blocks. Preallocates the holes of the range as unwritten
 * extents (EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT), converting the range to unwritten first for zero
 * range, and moves i_size to `new_size` when it grows.
 */
export const ext4_alloc_file_blocks = kfunc(
  'fs/ext4/extents.c',
  function* ext4_alloc_file_blocks(
    _cx: Kcx,
    ip: inode,
    offset: number,
    len: number,
    new_size: number,
    zero: boolean,
  ) {
    yield* run(
      atomic(
        `ext4_alloc_file_blocks(${offset}, ${len})`,
        [ip],
        () => {
          if (zero) ip.setRange(offset, len, 'unwritten');
          ip.preallocate(offset, len);
          if (new_size > ip.i_size) ip.i_size = new_size;
        },
        () => `i_size ${ip.i_size}; ${ip.extentMap()}`,
      ),
    );
    return 0;
  },
);

/**
 * The shape shared by ext4_punch_hole, ext4_zero_range, ext4_collapse_range and
 * ext4_insert_range: inode_lock, checks, inode_dio_wait ("wait all existing dio workers,
 * newcomers will block on i_rwsem"), then filemap_invalidate_lock around the extent change.
 */
function* ext4_locked_range_op(
  cx: Kcx,
  ip: inode,
  what: string,
  check: (ip: inode) => number,
  change: (ip: inode) => void,
) {
  yield* inode_lock(cx, ip);
  let ret = yield* run(atomic(`${what}: checks`, [ip], () => check(ip)));
  if (ret === 0) ret = yield* dio_drain(cx, ip, 'fallocate');
  if (ret === 0) {
    // file_modified: timestamps are taken as current.
    yield* filemap_invalidate_lock(cx, ip);
    // ext4_break_layouts: no DAX in the model.
    yield* run(
      atomic(
        what,
        [ip],
        () => change(ip),
        () => `i_size ${ip.i_size}; ${ip.extentMap()}`,
      ),
    );
    yield* filemap_invalidate_unlock(cx, ip);
  }
  yield* inode_unlock(cx, ip);
  return Math.min(ret, 0);
}

/** fs/ext4/inode.c: ext4_punch_hole. Nothing to do at or past EOF. */
export const ext4_punch_hole = kfunc(
  'fs/ext4/inode.c',
  function* ext4_punch_hole(cx: Kcx, ip: inode, offset: number, len: number) {
    return yield* ext4_locked_range_op(
      cx,
      ip,
      `ext4_punch_hole(${offset}, ${len})`,
      (i) => (offset >= i.i_size ? 1 : 0),
      (i) => i.setRange(offset, Math.min(len, i.i_size - offset), 'hole'),
    );
  },
);

/** fs/ext4/extents.c: ext4_zero_range. The range becomes unwritten (reads as zeros). */
export const ext4_zero_range = kfunc(
  'fs/ext4/extents.c',
  function* ext4_zero_range(cx: Kcx, ip: inode, offset: number, len: number, mode: number) {
    return yield* ext4_locked_range_op(
      cx,
      ip,
      `ext4_zero_range(${offset}, ${len})`,
      () => 0,
      (i) => {
        i.setRange(offset, len, 'unwritten');
        if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > i.i_size) i.i_size = offset + len;
      },
    );
  },
);

/** fs/ext4/extents.c: ext4_collapse_range. Block-aligned, and not reaching EOF (that would be a truncate). */
export const ext4_collapse_range = kfunc(
  'fs/ext4/extents.c',
  function* ext4_collapse_range(cx: Kcx, ip: inode, offset: number, len: number) {
    if ((offset | len) & (BLOCK_SIZE - 1)) return -EINVAL;
    return yield* ext4_locked_range_op(
      cx,
      ip,
      `ext4_collapse_range(${offset}, ${len})`,
      (i) => (offset + len >= i.i_size ? -EINVAL : 0),
      (i) => i.collapseRange(offset, len),
    );
  },
);

/** fs/ext4/extents.c: ext4_insert_range. Block-aligned, and starting inside the file. */
export const ext4_insert_range = kfunc(
  'fs/ext4/extents.c',
  function* ext4_insert_range(cx: Kcx, ip: inode, offset: number, len: number) {
    if ((offset | len) & (BLOCK_SIZE - 1)) return -EINVAL;
    return yield* ext4_locked_range_op(
      cx,
      ip,
      `ext4_insert_range(${offset}, ${len})`,
      (i) => (offset >= i.i_size ? -EINVAL : 0),
      (i) => i.insertRange(offset, len),
    );
  },
);

/**
 * fs/ext4/extents.c: ext4_fallocate. After a lock/unlock pair for inline data, the punch,
 * collapse, insert and zero modes go to their helpers. Plain allocation takes only i_rwsem
 * (no invalidate_lock), drains direct I/O with inode_dio_wait, and preallocates.
 */
export const ext4_fallocate = kfunc(
  'fs/ext4/extents.c',
  function* ext4_fallocate(cx: Kcx, f: file, mode: number, offset: number, len: number) {
    const ip = f.f_inode;
    if (mode & ~EXT4_FALLOC_SUPPORTED) return -EOPNOTSUPP;
    // ext4_convert_inline_data under inode_lock: the model's files have no inline data.
    yield* inode_lock(cx, ip);
    yield* inode_unlock(cx, ip);
    if (mode & FALLOC_FL_PUNCH_HOLE) return yield* ext4_punch_hole(cx, ip, offset, len);
    if (mode & FALLOC_FL_COLLAPSE_RANGE) return yield* ext4_collapse_range(cx, ip, offset, len);
    if (mode & FALLOC_FL_INSERT_RANGE) return yield* ext4_insert_range(cx, ip, offset, len);
    if (mode & FALLOC_FL_ZERO_RANGE) return yield* ext4_zero_range(cx, ip, offset, len, mode);
    yield* inode_lock(cx, ip);
    const new_size = yield* run(
      atomic('ext4_fallocate: i_size', [ip], () =>
        !(mode & FALLOC_FL_KEEP_SIZE) && offset + len > ip.i_size ? offset + len : 0,
      ),
    );
    // Wait all existing dio workers, newcomers will block on i_rwsem.
    let ret = yield* dio_drain(cx, ip, 'fallocate');
    if (ret === 0) ret = yield* ext4_alloc_file_blocks(cx, ip, offset, len, new_size, false);
    yield* inode_unlock(cx, ip);
    return ret;
  },
);
