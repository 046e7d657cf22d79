import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import { EAGAIN } from '../../../sync/errno.js';
import type { Kcx } from '../../sched.js';
import { BLOCK_SIZE, type inode } from '../fs.js';
import { IOMAP_NOWAIT, IOMAP_OVERWRITE_ONLY, type iomap, type iomap_ops } from '../iomap/direct-io.js';

/**
 * fs/xfs/xfs_iomap.c: xfs_direct_write_iomap_begin, under the ILOCK (not modelled as a lock).
 * A range not covered by one extent (imap_spans_range) fails NOWAIT and OVERWRITE_ONLY mappings
 * with -EAGAIN; so does an unaligned OVERWRITE_ONLY write into unwritten blocks (it would need
 * sub-block zeroing) and any allocation under NOWAIT or OVERWRITE_ONLY. Otherwise holes are
 * allocated as unwritten extents (xfs_iomap_write_direct) and reported IOMAP_F_NEW.
 */
export const xfs_direct_write_iomap_begin = kfunc(
  'fs/xfs/xfs_iomap.c',
  function* xfs_direct_write_iomap_begin(_cx: Kcx, ip: inode, offset: number, length: number, flags: number) {
    return yield* run(
      atomic(
        `xfs_direct_write_iomap_begin(${offset}, ${length})`,
        [ip],
        (): iomap | number => {
          const state = ip.rangeState(offset, length);
          const strict = (flags & (IOMAP_NOWAIT | IOMAP_OVERWRITE_ONLY)) !== 0;
          if (strict && state === 'mixed') return -EAGAIN;
          if (flags & IOMAP_OVERWRITE_ONLY && state !== 'written' && (offset | length) & (BLOCK_SIZE - 1)) {
            return -EAGAIN;
          }
          if (state === 'written') return { type: 'mapped', new: false };
          if (state === 'unwritten') return { type: 'unwritten', new: false };
          // allocate_blocks:
          if (strict) return -EAGAIN;
          ip.preallocate(offset, length);
          return { type: 'unwritten', new: true };
        },
        () => ip.extentMap(),
      ),
    );
  },
);

/** fs/xfs/xfs_iomap.c: xfs_direct_write_iomap_ops. */
export const xfs_direct_write_iomap_ops: iomap_ops = { iomap_begin: xfs_direct_write_iomap_begin };
