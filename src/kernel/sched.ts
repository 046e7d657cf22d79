import type { Actor } from '../core/actor.js';
import type { SimObject } from '../core/op.js';
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
  /** sighand->action: the signals with a user handler, and whether each has SA_RESTART. */
  readonly sighand = new Map<number, { readonly sa_restart: boolean }>();
  /** Signals whose handler ran, in order (what user space observed). */
  readonly handled: number[] = [];
  /** Left by a syscall that failed with -EAGAIN: what a retry needs to change first (see RetryHint). */
  retry: RetryHint | null = null;

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

/**
 * Why a -EAGAIN failure would repeat, left for user space's retry loop: a retry fails the same
 * way until `cond` holds, so the loop is modelled as spinning until then (WaitInfo.spin).
 */
export interface RetryHint {
  /** The syscall that failed. */
  readonly what: string;
  /** What `cond` reads; the first is named as the object the spinner waits on. */
  readonly objects: readonly [SimObject, ...SimObject[]];
  readonly until: string;
  readonly cond: () => boolean;
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
