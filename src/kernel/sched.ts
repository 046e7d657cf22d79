import type { Actor } from '../core/actor.js';
import type { LockCx } from '../sync/lock-class.js';
import type { TaskWorkList, TaskWorkTarget } from '../sync/task-work.js';
import type { ThreadInfo } from '../sync/thread-info.js';
import type { Kernel } from './boot.js';
import type { file } from './fs/fs.js';
import type { io_uring_task } from './io_uring/types.js';

/** include/linux/sched.h: struct task_struct, the parts the model reads. */
export class task_struct implements TaskWorkTarget {
  /** Open files (struct files_struct), by descriptor. */
  readonly files = new Map<number, file>();
  /** current->io_uring: the task's io_uring context, made on first use. */
  io_uring: io_uring_task | null = null;
  /** True while the task executes in the kernel (a syscall, or the interrupt return path). */
  inKernel = false;

  constructor(
    readonly actor: Actor,
    readonly ppid: number,
    readonly ti: ThreadInfo,
    readonly task_works: TaskWorkList,
  ) {}

  get comm(): string {
    return this.actor.comm;
  }

  get pid(): number {
    return this.actor.pid;
  }
}

/** The context every kernel model function receives: the actor, its task (null in hardirq), the kernel. */
export interface Kcx extends LockCx {
  readonly k: Kernel;
  readonly current: task_struct | null;
}

/** `current`, for code that runs only in task context. */
export function current(cx: Kcx): task_struct {
  if (cx.current === null) throw new Error(`${cx.actor.label}: no current task in interrupt context`);
  return cx.current;
}
