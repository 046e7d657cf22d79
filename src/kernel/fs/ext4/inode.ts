import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import type { Kcx } from '../../sched.js';
import { BLOCK_SIZE, type iattr, type inode, type inode_operations } from '../fs.js';
import { dio_drain, filemap_invalidate_lock, filemap_invalidate_unlock } from '../inode.js';
import type { iomap, iomap_ops } from '../iomap/direct-io.js';

/**
 * fs/ext4/inode.c: ext4_iomap_begin for a direct write. Written blocks inside i_size map as they
 * are; otherwise ext4_iomap_alloc maps unwritten blocks as unwritten and allocates holes: as
 * unwritten extents when the mapping starts inside i_size (EXT4_GET_BLOCKS_IO_CREATE_EXT), as
 * plain allocated blocks when it starts at or past it (EXT4_GET_BLOCKS_CREATE); both IOMAP_F_NEW. NOWAIT never gets here for a non-overwrite:
 * ext4_dio_write_checks refused it already.
 */
export const ext4_iomap_begin = kfunc(
  'fs/ext4/inode.c',
  function* ext4_iomap_begin(_cx: Kcx, ip: inode, offset: number, length: number, _flags: number) {
    return yield* run(
      atomic(
        `ext4_iomap_begin(${offset}, ${length})`,
        [ip],
        (): iomap => {
          const state = ip.rangeState(offset, length);
          if (state === 'written') return { type: 'mapped', new: false };
          if (state === 'unwritten') return { type: 'unwritten', new: false };
          // ext4_iomap_alloc
          if (Math.floor(offset / BLOCK_SIZE) * BLOCK_SIZE >= ip.i_size) {
            ip.preallocate(offset, length);
            ip.convertUnwritten(offset, length);
            return { type: 'mapped', new: true };
          }
          ip.preallocate(offset, length);
          return { type: 'unwritten', new: true };
        },
        () => ip.extentMap(),
      ),
    );
  },
);

/** fs/ext4/inode.c: ext4_iomap_ops. */
export const ext4_iomap_ops: iomap_ops = { iomap_begin: ext4_iomap_begin };

/**
 * fs/ext4/inode.c: ext4_iomap_overwrite_begin, used for shared-lock overwrites of allocated
 * blocks: maps without allocating (the caller checked the blocks are there).
 */
export const ext4_iomap_overwrite_begin = kfunc(
  'fs/ext4/inode.c',
  function* ext4_iomap_overwrite_begin(cx: Kcx, ip: inode, offset: number, length: number, flags: number) {
    return yield* ext4_iomap_begin(cx, ip, offset, length, flags);
  },
);

/** fs/ext4/inode.c: ext4_iomap_overwrite_ops. */
export const ext4_iomap_overwrite_ops: iomap_ops = { iomap_begin: ext4_iomap_overwrite_begin };

/**
 * fs/ext4/inode.c: ext4_setattr for a size change, called by notify_change with i_rwsem held.
 * Only a shrink waits for direct I/O in flight ("blocks are going to be removed"); then the
 * invalidate_lock is taken around the size change and ext4_truncate.
 */
export const ext4_setattr = kfunc('fs/ext4/inode.c', function* ext4_setattr(cx: Kcx, ip: inode, attr: iattr) {
  const shrink = yield* run(atomic('ext4_setattr: i_size', [ip], () => attr.ia_size < ip.i_size));
  if (shrink) {
    // Blocks are going to be removed from the inode. Wait for dio in flight.
    const error = yield* dio_drain(cx, ip, 'truncate');
    if (error) return error;
  }
  yield* filemap_invalidate_lock(cx, ip);
  // ext4_break_layouts: no DAX in the model.
  yield* run(
    atomic(
      `ext4_setattr: i_size ${attr.ia_size}, ext4_truncate`,
      [ip],
      () => {
        if (attr.ia_size < ip.i_size) ip.setRange(attr.ia_size, ip.i_size - attr.ia_size, 'hole');
        ip.i_size = attr.ia_size;
      },
      () => ip.extentMap(),
    ),
  );
  yield* filemap_invalidate_unlock(cx, ip);
  return 0;
});

/** fs/ext4/file.c: ext4_file_inode_operations, the methods the model calls. */
export const ext4_file_inode_operations: inode_operations = { setattr: ext4_setattr };
