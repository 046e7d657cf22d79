import type { Actor } from '../core/actor.js';
import type { Program } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import { attachDept } from '../sync/dept-wire.js';
import { attachLockdep, type LockdepSession } from '../sync/lockdep-wire.js';
import { TaskWorkList } from '../sync/task-work.js';
import { ThreadInfo } from '../sync/thread-info.js';
import { BlockDevice } from './block/blk-mq.js';
import type { KernelConfig } from './config.js';
import { ext4_mount } from './fs/ext4/super.js';
import type { super_block } from './fs/fs.js';
import { xfs_mount } from './fs/xfs/xfs_super.js';
import { inspectKernel } from './inspect.js';
import { do_exit, TaskExited } from './kernel/entry.js';
import { type Kcx, task_struct } from './sched.js';

const kernelSlot = defineSlot<{ k: Kernel | null }>(() => ({ k: null }));

/** The kernel booted in a world (for reports, which read task state). */
export function kernelOf(world: World): Kernel | null {
  return world.slot(kernelSlot).k;
}

/** The filesystems the model can mount. */
export type FsName = 'xfs' | 'ext4';

/** What a scenario asks of the machine: the filesystem and the file it works on. */
export interface MachineSetup {
  readonly fs: FsName;
  /** Size of the file the scenario opens, fully written (prefilled), in bytes. */
  readonly fileSize: number;
}

/**
 * A booted machine (with the exploration's lockdep, when given and CONFIG_LOCKDEP is on): one block device completing bios in hardirq context, one mounted filesystem
 * with its dio completion workqueue, and the user tasks a scenario starts.
 */
export class Kernel {
  readonly bdev: BlockDevice;
  readonly sb: super_block;
  /** Every task_struct, by actor id. */
  readonly tasks = new Map<number, task_struct>();
  private nextKthreadPid = 40;
  private nextUserPid = 600;

  constructor(
    readonly world: World,
    readonly config: KernelConfig,
    setup: MachineSetup,
    lockdep: LockdepSession | null = null,
  ) {
    world.slot(kernelSlot).k = this;
    // CONFIG_PROVE_LOCKING: every lock operation goes through the exploration's validator.
    if (lockdep && config.lockdep) attachLockdep(world, lockdep);
    // CONFIG_DEPT: a wait/event tracker per execution.
    if (config.dept) attachDept(world, { release: config.release });
    this.bdev = new BlockDevice(this, 'nvme0n1');
    this.sb = (setup.fs === 'ext4' ? ext4_mount : xfs_mount)(this, this.bdev, setup.fileSize);
    // An inspecting world (a report's replay) keeps a snapshot per step for the trace viewer.
    inspectKernel(this);
  }

  /** The path of the scenarios' test file on the mounted filesystem (`/mnt/xfs/file`). */
  get testFile(): string {
    return `/mnt/${this.sb.s_type.name}/file`;
  }

  /** The context for code running on `actor` as `current` (null for interrupt context). */
  cx(actor: Actor, current: task_struct | null): Kcx {
    if (current) this.tasks.set(actor.id, current);
    return { actor, world: this.world, k: this, current };
  }

  /** A new task_struct for `actor`. */
  newTask(actor: Actor, ppid: number): task_struct {
    return new task_struct(
      actor,
      ppid,
      new ThreadInfo(this.world.oid(), actor.comm),
      new TaskWorkList(this.world.oid(), actor),
    );
  }

  /** A pid for a thread a user task creates at run time (an io-wq worker). */
  userPid(): number {
    return this.nextUserPid++;
  }

  /** A kernel thread's pid. */
  kthreadPid(): number {
    return this.nextKthreadPid++;
  }

  /** Starts a user task (child of init) running `program`, then exiting through do_exit. */
  spawnUserTask(comm: string, pid: number, program: (cx: Kcx) => Program<void>): task_struct {
    return this.spawnTask('task', comm, pid, 1, function* (cx) {
      try {
        yield* program(cx);
      } catch (e) {
        // Killed by a signal: get_signal already ran do_exit.
        if (e instanceof TaskExited) return;
        throw e;
      }
      yield* do_exit(cx);
    });
  }

  /** Creates a task_struct around a new actor running `program`. */
  spawnTask(
    kind: 'task' | 'kthread',
    comm: string,
    pid: number,
    ppid: number,
    program: (cx: Kcx) => Program<void>,
  ): task_struct {
    let task: task_struct | null = null;
    this.world.spawn(kind, comm, pid, (actor) => {
      task = this.newTask(actor, ppid);
      return program(this.cx(actor, task));
    });
    return task!;
  }
}
