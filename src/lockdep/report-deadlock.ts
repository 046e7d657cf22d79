// Lock-order reports (kernel/locking/lockdep.c: print_deadlock_bug, print_deadlock_scenario,
// print_circular_bug, print_circular_bug_header, print_circular_bug_entry,
// print_circular_lock_scenario). reference/lockdep.md 1.7(a) and (b).

import type { Printer } from './format.js';
import type { BfsNode } from './graph.js';
import type { HeldLock, Task } from './held.js';
import { type LockdepReport, makeReport } from './report.js';

/** The opening both lock-order reports share: banner, the lock being acquired, the one held. */
function tryingWhileHolding(
  p: Printer,
  headline: string,
  task: Task,
  prev: HeldLock,
  next: HeldLock,
): string[] {
  return [
    ...p.banner(headline),
    `${task.label} is trying to acquire lock:`,
    p.lock(next),
    '',
    'but task is already holding lock:',
    p.lock(prev),
    '',
  ];
}

/** print_deadlock_bug: the task already holds a lock of the class it is acquiring. */
export function recursiveReport(p: Printer, task: Task, prev: HeldLock, next: HeldLock): LockdepReport {
  const headline = 'WARNING: possible recursive locking detected';
  const lines = [
    ...tryingWhileHolding(p, headline, task, prev, next),
    'other info that might help us debug this:',
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0',
    '       ----',
    `  lock(${p.name(prev.cls)});`,
    `  lock(${p.name(next.cls)});`,
    '',
    ' *** DEADLOCK ***',
    '',
    ' May be due to missing lock nesting notation',
    '',
    ...p.heldLocks(task),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, next.trace),
  ];
  return makeReport('recursive', headline, task, [p.name(next.cls)], lines);
}

const CPU1 = ' '.repeat(31);

/** print_circular_lock_scenario. */
function circularScenario(p: Printer, next: HeldLock, prev: HeldLock, parent: BfsNode): string[] {
  const lines: string[] = [];
  if (parent.cls !== next.cls) {
    lines.push(
      'Chain exists of:',
      `  ${p.name(next.cls)} --> ${p.name(parent.cls)} --> ${p.name(prev.cls)}`,
      '',
    );
  }
  const nextOp = next.read !== 0 ? 'rlock' : next.sync ? 'sync' : 'lock';
  lines.push(
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0                    CPU1',
    '       ----                    ----',
    `  ${prev.read !== 0 ? 'rlock' : 'lock'}(${p.name(prev.cls)});`,
    `${CPU1}lock(${p.name(parent.cls)});`,
    `${CPU1}lock(${p.name(prev.cls)});`,
    `  ${nextOp}(${p.name(next.cls)});`,
    '',
    ' *** DEADLOCK ***',
    '',
  );
  return lines;
}

/**
 * print_circular_bug: `target` is the BFS node of prev's class reached from the root (next's class,
 * whose trace is the current stack); entries print from #depth (prev) down to #0 (next).
 */
export function circularReport(
  p: Printer,
  task: Task,
  prev: HeldLock,
  next: HeldLock,
  target: BfsNode,
): LockdepReport {
  const headline = 'WARNING: possible circular locking dependency detected';
  const lines = [
    ...tryingWhileHolding(p, headline, task, prev, next),
    'which lock already depends on the new lock.',
    '',
    '',
    'the existing dependency chain (in reverse order) is:',
  ];
  const path: BfsNode[] = [];
  for (let n: BfsNode | undefined = target; n; n = n.parent) {
    lines.push('', `-> #${n.depth}${p.lockName(n.cls)}:`, ...p.trace(n.trace, 6));
    path.unshift(n);
  }
  lines.push('', 'other info that might help us debug this:', '');
  lines.push(...circularScenario(p, next, prev, target.parent ?? target));
  lines.push(...p.heldLocks(task), '', 'stack backtrace:', ...p.dumpStack(task, next.trace));
  return makeReport(
    'circular',
    headline,
    task,
    path.map((n) => p.name(n.cls)),
    lines,
  );
}
