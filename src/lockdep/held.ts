// Tasks and their held-lock stacks (include/linux/lockdep.h: struct held_lock; kernel/locking/lockdep.c:
// task_irq_context, lockdep_print_held_locks). reference/lockdep.md 1.3.

import type { LockClass, LockMap, Trace } from './class.js';

/** MAX_LOCK_DEPTH: pushing the 48th held lock reports "BUG: MAX_LOCK_DEPTH too low!". */
export const MAX_LOCK_DEPTH = 48;

/** Read mode of an acquisition: 0 exclusive, 1 shared non-recursive, 2 shared recursive. */
export type ReadMode = 0 | 1 | 2;

/** One entry of a task's held-lock stack (struct held_lock). */
export interface HeldLock {
  readonly map: LockMap;
  readonly cls: LockClass;
  /** The `at:` site (the kernel's acquire_ip). */
  readonly site: string;
  /** The stack at acquisition, innermost first. */
  readonly trace: Trace;
  readonly nestLock: LockMap | undefined;
  /** bit0 softirq, bit1 hardirq. */
  readonly irqContext: number;
  readonly trylock: boolean;
  read: ReadMode;
  readonly check: boolean;
  readonly hardirqsOff: boolean;
  readonly sync: boolean;
  /** nest_lock reference count (0 = a single plain hold). */
  references: number;
  /** The chain key before this lock was pushed. */
  prevChainKey: string;
  /** Held for work in flight across the return to user space (AcquireOptions.crosslock). */
  readonly crosslock: boolean;
}

/** Where an irq-state change happened, for `irq event stamp` lines (struct irqtrace_events). */
export interface IrqEvent {
  readonly stamp: number;
  readonly site: string;
}

/** A task (or the context an interrupt borrows): comm/pid, irq state and the held-lock stack. */
export class Task {
  /** held_locks[0 .. lockdep_depth). */
  readonly held: HeldLock[] = [];
  /** curr_chain_key: the chain key of the held stack. */
  chainKey = '';
  /** hardirq nesting count (hardirq_count() >> HARDIRQ_SHIFT). */
  hardirqCount = 0;
  /** softirq nesting count (softirq context, not bh-disable). */
  softirqCount = 0;
  /** Whether the current hardirq handler runs threaded (force_irqthreads / irq_config). */
  hardirqThreaded = false;
  /** Whether hardirqs are enabled (lockdep_hardirqs_enabled). */
  hardirqsEnabled = true;
  /** local_bh_disable depth (softirq processing also counts). */
  bhDisableCount = 0;
  /** hardirqsEnabled before each hardirqEnter, restored at hardirqExit. */
  readonly savedHardirqsEnabled: boolean[] = [];
  /** irq_events counter and the last enable/disable sites. */
  irqEvents = 0;
  hardirqOn: IrqEvent | undefined;
  hardirqOff: IrqEvent | undefined;
  softirqOn: IrqEvent | undefined;
  softirqOff: IrqEvent | undefined;

  constructor(
    readonly comm: string,
    readonly pid: number,
    readonly cpu = 0,
  ) {}

  /** `comm/pid`, as lockdep prints a task. */
  get label(): string {
    return `${this.comm}/${this.pid}`;
  }

  /** Whether softirqs are enabled (curr->softirqs_enabled). */
  get softirqsEnabled(): boolean {
    return this.bhDisableCount === 0;
  }

  /** task_irq_context: 2 * in-hardirq + in-softirq. */
  get irqContext(): number {
    return (this.hardirqCount > 0 ? 2 : 0) + (this.softirqCount > 0 ? 1 : 0);
  }

  /** The top of the held-lock stack. */
  top(): HeldLock | undefined {
    return this.held[this.held.length - 1];
  }
}
