import { lockClass } from '../../../sync/lock-class.js';
import { alloc_workqueue } from '../../../sync/workqueue.js';
import type { BlockDevice } from '../../block/blk-mq.js';
import type { Kernel } from '../../boot.js';
import { type file_system_type, inode, super_block } from '../fs.js';
import { ext4_file_operations } from './file.js';
import { ext4_file_inode_operations } from './inode.js';

/**
 * ext4's lockdep classes. `sb_writers#7` and `&sb->s_type->i_mutex_key#13` are the versions in
 * Andres Freund's report of the stuck PostgreSQL (reference 6); the invalidate_lock version is
 * boot-order dependent and not in any report read, so it prints unversioned.
 */
export const ext4_fs_type: file_system_type = {
  name: 'ext4',
  classes: {
    sb_writers: lockClass('sb_writers', 7, [0, 0]),
    i_mutex_key: lockClass('&sb->s_type->i_mutex_key', 13),
    invalidate_lock: lockClass('mapping.invalidate_lock'),
  },
  fops: ext4_file_operations,
  iops: ext4_file_inode_operations,
};

/** fs/ext4/super.c: mount, with one regular file (inode 12, the first after lost+found) of `fileSize` bytes, fully written. */
export function ext4_mount(k: Kernel, bdev: BlockDevice, fileSize: number): super_block {
  const w = k.world;
  const wq = alloc_workqueue(
    w,
    `dio/${bdev.name}`,
    1,
    () => k.kthreadPid(),
    (actor) => k.cx(actor, k.newTask(actor, 2)),
  );
  const sb = new super_block(k, ext4_fs_type, bdev.name, bdev, wq);
  sb.files.set('/mnt/ext4/file', new inode(sb, 12, fileSize));
  return sb;
}
