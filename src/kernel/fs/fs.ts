import type { Program, SimObject } from '../../core/op.js';
import { AtomicCounter } from '../../sync/atomic-counter.js';
import type { LockClass } from '../../sync/lock-class.js';
import { PercpuRwSemaphore, type ReadHold } from '../../sync/percpu-rwsem.js';
import { RwSemaphore } from '../../sync/rwsem.js';
import type { Workqueue } from '../../sync/workqueue.js';
import type { BlockDevice } from '../block/blk-mq.js';
import type { Kernel } from '../boot.js';
import type { Kcx } from '../sched.js';

// include/linux/fs.h: iocb flags the model reads.
export const IOCB_HIPRI = 1 << 0;
export const IOCB_DSYNC = 1 << 1;
export const IOCB_DIRECT = 1 << 17;
export const IOCB_WRITE = 1 << 18;
export const IOCB_NOWAIT = 1 << 20;
export const IOCB_DIO_CALLER_COMP = 1 << 22;

// include/uapi/asm-generic/fcntl.h
export const O_DIRECT = 0o40000;

/** The lockdep classes a filesystem type registers (one key per type; see reference 10). */
export interface FsClasses {
  readonly sb_writers: LockClass;
  readonly i_mutex_key: LockClass;
  readonly invalidate_lock: LockClass;
}

/** include/linux/fs.h: struct file_operations, the methods the model calls. */
export interface file_operations {
  readonly write_iter: (cx: Kcx, iocb: kiocb) => Program<number>;
  readonly fallocate: (cx: Kcx, file: file, mode: number, offset: number, len: number) => Program<number>;
}

/** include/linux/fs.h: struct file_system_type. */
export interface file_system_type {
  readonly name: string;
  readonly classes: FsClasses;
  readonly fops: file_operations;
}

/** include/linux/fs.h: struct super_block, with freeze protection and the dio completion workqueue. */
export class super_block {
  /** s_writers.rw_sem[SB_FREEZE_WRITE - 1]; lockdep's `sb_writers#N`. */
  readonly s_writers: PercpuRwSemaphore;
  /** The regular files on this filesystem, by path (the model has no directories). */
  readonly files = new Map<string, inode>();

  constructor(
    readonly k: Kernel,
    readonly s_type: file_system_type,
    readonly s_id: string,
    readonly s_bdev: BlockDevice,
    /** sb->s_dio_done_wq (fs/super.c: sb_init_dio_done_wq). */
    readonly s_dio_done_wq: Workqueue<Kcx>,
  ) {
    this.s_writers = new PercpuRwSemaphore(k.world.oid(), s_type.classes.sb_writers);
  }
}

/** Extent state as iomap sees it (include/linux/iomap.h: IOMAP_MAPPED, IOMAP_UNWRITTEN, IOMAP_HOLE). */
export type ExtentState = 'written' | 'unwritten' | 'hole';

/** A mapped range of a file. */
export interface Extent {
  readonly start: number;
  readonly end: number;
  readonly state: ExtentState;
}

/** include/linux/fs.h: struct inode, with the locks and the dio counter the seed path uses. */
export class inode implements SimObject {
  readonly oid: number;
  readonly name: string;
  readonly i_rwsem: RwSemaphore;
  /** i_mapping->invalidate_lock. */
  readonly invalidate_lock: RwSemaphore;
  /** i_dio_count: direct I/O in flight. */
  readonly i_dio_count: AtomicCounter;
  /** Extents, sorted, non-overlapping; ranges not covered are holes. */
  extents: Extent[];

  constructor(
    readonly i_sb: super_block,
    readonly i_ino: number,
    public i_size: number,
  ) {
    const w = i_sb.k.world;
    this.oid = w.oid();
    this.name = `inode ${i_ino}`;
    this.i_rwsem = new RwSemaphore(w.oid(), i_sb.s_type.classes.i_mutex_key);
    this.invalidate_lock = new RwSemaphore(w.oid(), i_sb.s_type.classes.invalidate_lock);
    this.i_dio_count = new AtomicCounter(w.oid(), 'i_dio_count');
    this.extents = i_size > 0 ? [{ start: 0, end: i_size, state: 'written' }] : [];
  }

  /** The extent state at `pos` (what ->iomap_begin reports). */
  extentAt(pos: number): ExtentState {
    for (const e of this.extents) if (pos >= e.start && pos < e.end) return e.state;
    return 'hole';
  }
}

/** include/linux/fs.h: struct file. */
export class file {
  constructor(
    readonly f_inode: inode,
    readonly f_flags: number,
    readonly f_op: file_operations,
  ) {}
}

/** include/linux/fs.h: struct kiocb. */
export class kiocb {
  ki_flags: number;
  /** Completion for async I/O; null for a synchronous kiocb (is_sync_kiocb). */
  ki_complete: ((cx: Kcx, iocb: kiocb, res: number) => Program<void>) | null = null;
  /** For IOCB_DIO_CALLER_COMP: set by the bio end to the dio, run later by the issuer. */
  private: unknown = null;
  dio_complete: ((cx: Kcx, data: unknown) => Program<number>) | null = null;
  /** The structure embedding this kiocb (the io_uring request), for container_of. */
  container: unknown = null;
  /** The sb_writers read hold a write in flight carries (kiocb_start_write to kiocb_end_write). */
  writeHold: ReadHold | null = null;

  constructor(
    readonly ki_filp: file,
    public ki_pos: number,
    /** The write's length in bytes (the iov_iter count). */
    readonly count: number,
    flags: number,
  ) {
    this.ki_flags = flags;
  }
}

/** include/linux/fs.h: is_sync_kiocb. */
export function is_sync_kiocb(iocb: kiocb): boolean {
  return iocb.ki_complete === null;
}

/** include/linux/fs.h: iocb_flags. */
export function iocb_flags(f: file): number {
  return f.f_flags & O_DIRECT ? IOCB_DIRECT : 0;
}
