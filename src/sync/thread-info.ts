import type { SimObject } from '../core/op.js';

/** Signal numbers the model uses (include/uapi/asm-generic/signal.h). */
export const SIGKILL = 9;
export const SIGUSR1 = 10;

/**
 * The thread flags a sleeping task's wake rules read (arch/x86/include/asm/thread_info.h), plus
 * the pending signal set. One per task.
 */
export class ThreadInfo implements SimObject {
  readonly name: string;
  /** TIF_NOTIFY_SIGNAL: task_work queued with TWA_SIGNAL(_NO_IPI); breaks interruptible waits. */
  notifySignal = false;
  /** TIF_SIGPENDING: a real signal is pending. */
  sigpending = false;
  /** An IPI was sent with the flag (TWA_SIGNAL's kick_process): a task in user mode enters the kernel. */
  kicked = false;
  /** Pending signal numbers. */
  readonly signals = new Set<number>();

  constructor(
    readonly oid: number,
    comm: string,
  ) {
    this.name = `${comm}.thread_info`;
  }

  /** include/linux/sched/signal.h: signal_pending = TIF_NOTIFY_SIGNAL or TIF_SIGPENDING. */
  signal_pending(): boolean {
    return this.notifySignal || this.sigpending;
  }

  /** include/linux/sched/signal.h: task_sigpending = TIF_SIGPENDING only. */
  task_sigpending(): boolean {
    return this.sigpending;
  }

  /** include/linux/sched/signal.h: fatal_signal_pending = SIGKILL pending. */
  fatal_signal_pending(): boolean {
    return this.sigpending && this.signals.has(SIGKILL);
  }

  /** The x86 thread flags word as the hung-task report prints it (TIF_SIGPENDING = 2, TIF_NOTIFY_SIGNAL = 17). */
  flags(): number {
    return (this.sigpending ? 1 << 2 : 0) | (this.notifySignal ? 1 << 17 : 0);
  }
}
