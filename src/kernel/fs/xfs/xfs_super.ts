import { lockClass } from '../../../sync/lock-class.js';
import { alloc_workqueue } from '../../../sync/workqueue.js';
import type { BlockDevice } from '../../block/blk-mq.js';
import type { Kernel } from '../../boot.js';
import { type file_system_type, inode, super_block } from '../fs.js';
import { xfs_file_operations } from './xfs_file.js';
import { xfs_inode_operations } from './xfs_iops.js';

/**
 * XFS's lockdep classes, with the `#N` versions of Jens Axboe's v6.6-rc7 lockdep report
 * (reference 9): they depend on boot order, and these make the model's reports line up with it.
 */
export const xfs_fs_type: file_system_type = {
  name: 'xfs',
  classes: {
    sb_writers: lockClass('sb_writers', 12, [0, 0]),
    i_mutex_key: lockClass('&sb->s_type->i_mutex_key', 17),
    invalidate_lock: lockClass('mapping.invalidate_lock', 3),
  },
  fops: xfs_file_operations,
  iops: xfs_inode_operations,
};

/** fs/xfs/xfs_super.c: mount, with one regular file of `fileSize` bytes, fully written. */
export function xfs_mount(k: Kernel, bdev: BlockDevice, fileSize: number): super_block {
  const w = k.world;
  const wq = alloc_workqueue(
    w,
    `dio/${bdev.name}`,
    1,
    () => k.kthreadPid(),
    (actor) => k.cx(actor, k.newTask(actor, 2)),
  );
  const sb = new super_block(k, xfs_fs_type, bdev.name, bdev, wq);
  sb.files.set('/mnt/xfs/file', new inode(sb, 131, fileSize));
  return sb;
}
