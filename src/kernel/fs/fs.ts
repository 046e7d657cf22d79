import type { Actor } from '../../core/actor.js';
import type { Program, SimObject } from '../../core/op.js';
import { AtomicCounter, type Obligation } from '../../sync/atomic-counter.js';
import type { DeptDeliverer } from '../../sync/dept-wire.js';
import { type LockClass, lockClass } from '../../sync/lock-class.js';
import type { LockRef } from '../../sync/lockdep-wire.js';
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

// include/uapi/linux/falloc.h
export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;
export const FALLOC_FL_COLLAPSE_RANGE = 0x08;
export const FALLOC_FL_ZERO_RANGE = 0x10;
export const FALLOC_FL_INSERT_RANGE = 0x20;

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

/** include/linux/fs.h: struct iattr, the size change truncate asks for. */
export interface iattr {
  readonly ia_size: number;
}

/** include/linux/fs.h: struct inode_operations, the methods the model calls. */
export interface inode_operations {
  readonly setattr: (cx: Kcx, ip: inode, attr: iattr) => Program<number>;
}

/** include/linux/fs.h: struct file_system_type, with the file and inode methods of its regular files. */
export interface file_system_type {
  readonly name: string;
  readonly classes: FsClasses;
  readonly fops: file_operations;
  readonly iops: inode_operations;
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

/**
 * The class of the dio annotation's map: one key for every inode, printed `(inode){++++}-{3:3}` in
 * Jens Axboe's v6.6-rc7 report (reference 9).
 */
export const INODE_DIO_MAP: LockClass = lockClass('inode', 1, [3, 3]);

/** include/linux/fs.h: struct inode, with the locks and the dio counter the seed path uses. */
export class inode implements SimObject {
  readonly oid: number;
  readonly name: string;
  readonly i_rwsem: RwSemaphore;
  /** i_mapping->invalidate_lock. */
  readonly invalidate_lock: RwSemaphore;
  /** i_dio_count: direct I/O in flight. */
  readonly i_dio_count: AtomicCounter;
  /** The lockdep map of the dio annotation (`lockdep_dio_map`), which lives beside i_dio_count. */
  readonly i_dio_map: LockRef;
  /** The actor holding the dio map for each direct I/O in flight (lockdep_dio_map). */
  readonly i_dio_map_owners = new Map<Obligation, Actor>();
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
    this.i_dio_map = { oid: this.i_dio_count.oid, lockClass: INODE_DIO_MAP };
    this.extents = i_size > 0 ? [{ start: 0, end: i_size, state: 'written' }] : [];
  }

  /**
   * The state of [pos, pos+len): one state when a single kind of extent covers it all (what
   * imap_spans_range / ext4_overwrite_io ask), otherwise 'mixed'.
   */
  rangeState(pos: number, len: number): ExtentState | 'mixed' {
    const end = pos + len;
    let state: ExtentState | null = null;
    let at = pos;
    for (const e of this.extents) {
      if (e.end <= at || e.start >= end) continue;
      if (e.start > at) return 'mixed'; // a hole before this extent
      if (state !== null && state !== e.state) return 'mixed';
      state = e.state;
      at = e.end;
      if (at >= end) return state;
    }
    if (state === null) return 'hole';
    return 'mixed';
  }

  /** Sets [pos, pos+len) to `state` ('hole' removes the mapping), merging equal neighbours. */
  setRange(pos: number, len: number, state: ExtentState): void {
    const end = pos + len;
    const out: Extent[] = [];
    for (const e of this.extents) {
      if (e.end <= pos || e.start >= end) {
        out.push(e);
        continue;
      }
      if (e.start < pos) out.push({ start: e.start, end: pos, state: e.state });
      if (e.end > end) out.push({ start: end, end: e.end, state: e.state });
    }
    if (state !== 'hole') out.push({ start: pos, end, state });
    out.sort((a, b) => a.start - b.start);
    const merged: Extent[] = [];
    for (const e of out) {
      const last = merged[merged.length - 1];
      if (last && last.end === e.start && last.state === e.state) {
        merged[merged.length - 1] = { start: last.start, end: e.end, state: e.state };
      } else {
        merged.push(e);
      }
    }
    this.extents = merged;
  }

  /** Converts the unwritten parts of [pos, pos+len) to written (end_io's unwritten conversion). */
  convertUnwritten(pos: number, len: number): void {
    const end = pos + len;
    for (const e of [...this.extents]) {
      if (e.state !== 'unwritten' || e.end <= pos || e.start >= end) continue;
      const a = Math.max(e.start, pos);
      this.setRange(a, Math.min(e.end, end) - a, 'written');
    }
  }

  /** Shifts every extent at or after `from` by `delta` bytes (collapse and insert range). */
  shift(from: number, delta: number): void {
    this.extents = this.extents.map((e) =>
      e.start >= from ? { start: e.start + delta, end: e.end + delta, state: e.state } : e,
    );
  }

  /** FALLOC_FL_COLLAPSE_RANGE's effect: [pos, pos+len) is removed and the rest moves down. */
  collapseRange(pos: number, len: number): void {
    this.setRange(pos, len, 'hole');
    this.shift(pos + len, -len);
    this.i_size -= len;
  }

  /** FALLOC_FL_INSERT_RANGE's effect: a hole of `len` bytes opens at `pos`. */
  insertRange(pos: number, len: number): void {
    this.shift(pos, len);
    this.i_size += len;
  }

  /** Allocates the holes of [pos, pos+len), block by block, as unwritten extents (preallocation). */
  preallocate(pos: number, len: number): void {
    const start = Math.floor(pos / BLOCK_SIZE) * BLOCK_SIZE;
    const end = Math.ceil((pos + len) / BLOCK_SIZE) * BLOCK_SIZE;
    for (let b = start; b < end; b += BLOCK_SIZE) {
      if (this.rangeState(b, BLOCK_SIZE) === 'hole') this.setRange(b, BLOCK_SIZE, 'unwritten');
    }
  }

  /** Shows the extent map, `[0,4096) written, [4096,8192) unwritten`. */
  extentMap(): string {
    return this.extents.map((e) => `[${e.start},${e.end}) ${e.state}`).join(', ') || 'no extents';
  }
}

/** The filesystem block size of every mount in the model. */
export const BLOCK_SIZE = 4096;

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
  /** For IOCB_DIO_CALLER_COMP (DEPT): the one task that will run the deferred completion, set by the issuer. */
  caller_comp_deliverer: (() => DeptDeliverer | null) | null = null;
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
