// Report values and the reports that involve one lock or none (kernel/locking/lockdep.c:
// print_unlock_imbalance_bug, lockdep_sys_exit, print_freed_lock_bug, print_lock_invalid_wait_context,
// print_lock_nested_lock_not_held, print_lockdep_off). reference/lockdep.md 1.7(d)-(g).

import { className, type LockClass, type LockMap, type Trace } from './class.js';
import type { Printer } from './format.js';
import type { HeldLock, Task } from './held.js';

/** Stable ids of the report kinds. */
export type ReportKind =
  | 'circular'
  | 'recursive'
  | 'irq-inversion'
  | 'irq-order'
  | 'inconsistent-state'
  | 'bad-unlock'
  | 'held-at-return'
  | 'held-freed'
  | 'invalid-wait-context'
  | 'nested-lock-not-held'
  | 'max-depth'
  | 'capacity'
  | 'invalid-subclass';

/** One lockdep report: what kind, about which classes, and the kernel's text. */
export interface LockdepReport {
  readonly kind: ReportKind;
  /** The headline as the kernel prints it, e.g. `WARNING: possible circular locking dependency detected`. */
  readonly headline: string;
  /** `comm/pid` of the task the report is about. */
  readonly task: string;
  /** Printed names of the classes involved (for circular: the path, new lock first). */
  readonly classes: readonly string[];
  /** The report text, starting with the `=====` banner (or the BUG line) and ending with a newline. */
  text(): string;
}

/** Builds a report value from its lines. */
export function makeReport(
  kind: ReportKind,
  headline: string,
  task: Task,
  classes: readonly string[],
  lines: readonly string[],
): LockdepReport {
  const text = `${lines.join('\n')}\n`;
  return { kind, headline, task: task.label, classes, text: () => text };
}

/** print_unlock_imbalance_bug. */
export function badUnlockReport(
  p: Printer,
  task: Task,
  map: LockMap,
  site: string,
  trace: Trace,
): LockdepReport {
  const headline = 'WARNING: bad unlock balance detected!';
  const lines = [
    ...p.banner(headline),
    `${task.label} is trying to release lock (${map.name}) at:`,
    p.ipSym(site),
    'but there are no more locks to release!',
    '',
    'other info that might help us debug this:',
    ...p.heldLocks(task),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, trace),
  ];
  return makeReport('bad-unlock', headline, task, [map.name], lines);
}

/** lockdep_sys_exit: locks held on return to user space (no backtrace). */
export function heldAtReturnReport(p: Printer, task: Task): LockdepReport {
  const headline = 'WARNING: lock held when returning to user space!';
  const lines = [
    ...p.banner(headline),
    `${task.label} is leaving the kernel with locks still held!`,
    ...p.heldLocks(task),
  ];
  return makeReport('held-at-return', headline, task, classNames(task.held), lines);
}

/** print_freed_lock_bug: memory [from, to) freed while `h` lies in it. */
export function heldFreedReport(
  p: Printer,
  task: Task,
  from: string,
  toMinusOne: string,
  h: HeldLock,
  trace: Trace,
): LockdepReport {
  const headline = 'WARNING: held lock freed!';
  const lines = [
    ...p.banner(headline),
    `${task.label} is freeing memory ${from}-${toMinusOne}, with a lock still held there!`,
    p.lock(h),
    ...p.heldLocks(task),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, trace),
  ];
  return makeReport('held-freed', headline, task, [p.name(h.cls)], lines);
}

/** print_lock_invalid_wait_context (no blank lines, as in the kernel). */
export function invalidWaitReport(p: Printer, task: Task, next: HeldLock, context: number): LockdepReport {
  const headline = '[ BUG: Invalid wait context ]';
  const lines = [
    ...p.banner(headline),
    `${task.label} is trying to lock:`,
    p.lock(next),
    'other info that might help us debug this:',
    `context-{${context}:${context}}`,
    ...p.heldLocks(task),
    'stack backtrace:',
    ...p.dumpStack(task, next.trace),
  ];
  return makeReport('invalid-wait-context', headline, task, [p.name(next.cls)], lines);
}

/** print_lock_nested_lock_not_held (the kernel really prints the backtrace twice). */
export function nestNotHeldReport(p: Printer, task: Task, next: HeldLock, nest: LockMap): LockdepReport {
  const headline = 'WARNING: Nested lock was not taken';
  const stack = p.dumpStack(task, next.trace);
  const lines = [
    ...p.banner(headline),
    `${task.label} is trying to lock:`,
    p.lock(next),
    '',
    'but this task is not holding:',
    nest.name,
    '',
    'stack backtrace:',
    ...stack,
    '',
    'other info that might help us debug this:',
    ...p.heldLocks(task),
    '',
    'stack backtrace:',
    ...stack,
  ];
  return makeReport('nested-lock-not-held', headline, task, [p.name(next.cls), nest.name], lines);
}

/** The MAX_LOCK_DEPTH report: print_lockdep_off, depth line, held locks, all locks, dump_stack. */
export function maxDepthReport(
  p: Printer,
  task: Task,
  allLocks: readonly string[],
  trace: Trace,
): LockdepReport {
  const headline = 'BUG: MAX_LOCK_DEPTH too low!';
  const lines = [
    headline,
    'turning off the locking correctness validator.',
    `depth: ${task.held.length}  max: 48!`,
    ...p.heldLocks(task),
    ...allLocks,
    ...p.dumpStack(task, trace),
  ];
  return makeReport('max-depth', headline, task, [], lines);
}

/** A capacity limit or an invalid subclass: print_lockdep_off + dump_stack; lockdep turns off. */
export function lockdepOffReport(
  p: Printer,
  kind: 'capacity' | 'invalid-subclass',
  headline: string,
  task: Task,
  trace: Trace,
): LockdepReport {
  const lines = [headline, 'turning off the locking correctness validator.', ...p.dumpStack(task, trace)];
  return makeReport(kind, headline, task, [], lines);
}

/** Printed names of held locks' classes. */
export function classNames(held: readonly { cls: LockClass }[]): string[] {
  return held.map((h) => className(h.cls));
}
