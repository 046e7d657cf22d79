import { kfunc } from '../../../core/frames.js';
import { atomic, run } from '../../../core/op.js';
import type { Kcx } from '../../sched.js';
import type { iattr, inode, inode_operations } from '../fs.js';
import { dio_drain } from '../inode.js';
import { XFS_MMAPLOCK_EXCL, xfs_ilock, xfs_iunlock } from './xfs_inode.js';

/**
 * fs/xfs/xfs_iops.c: xfs_setattr_size, with IOLOCK and MMAPLOCK held exclusive. Waits for all
 * direct I/O to complete (believed so in 6.6; reference 5), then sets the new size; shrinking
 * frees the blocks past it.
 */
export const xfs_setattr_size = kfunc(
  'fs/xfs/xfs_iops.c',
  function* xfs_setattr_size(cx: Kcx, ip: inode, attr: iattr) {
    // Wait for all direct I/O to complete.
    const error = yield* dio_drain(cx, ip, 'truncate');
    if (error) return error;
    yield* run(
      atomic(
        `xfs_setattr_size: i_size ${attr.ia_size}`,
        [ip],
        () => {
          if (attr.ia_size < ip.i_size) ip.setRange(attr.ia_size, ip.i_size - attr.ia_size, 'hole');
          ip.i_size = attr.ia_size;
        },
        () => `${ip.extentMap()}`,
      ),
    );
    return 0;
  },
);

/** fs/xfs/xfs_iops.c: xfs_vn_setattr_size. */
export const xfs_vn_setattr_size = kfunc(
  'fs/xfs/xfs_iops.c',
  function* xfs_vn_setattr_size(cx: Kcx, ip: inode, attr: iattr) {
    return yield* xfs_setattr_size(cx, ip, attr);
  },
);

/**
 * fs/xfs/xfs_iops.c: xfs_vn_setattr for a size change, called by notify_change with i_rwsem
 * held: takes the MMAPLOCK (invalidate_lock) exclusive around xfs_vn_setattr_size.
 */
export const xfs_vn_setattr = kfunc(
  'fs/xfs/xfs_iops.c',
  function* xfs_vn_setattr(cx: Kcx, ip: inode, attr: iattr) {
    yield* xfs_ilock(cx, ip, XFS_MMAPLOCK_EXCL);
    // xfs_break_layouts: no pNFS layouts in the model.
    const error = yield* xfs_vn_setattr_size(cx, ip, attr);
    yield* xfs_iunlock(cx, ip, XFS_MMAPLOCK_EXCL);
    return error;
  },
);

/** fs/xfs/xfs_iops.c: xfs_inode_operations, the methods the model calls. */
export const xfs_inode_operations: inode_operations = { setattr: xfs_vn_setattr };
