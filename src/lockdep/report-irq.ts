// IRQ-safety reports (kernel/locking/lockdep.c: print_usage_bug, print_irq_inversion_bug,
// print_bad_irq_dependency, print_irq_lock_scenario, print_lock_class_header,
// print_shortest_lock_dependencies[_backwards]). reference/lockdep.md 1.7(c).

import type { LockClass } from './class.js';
import type { Printer } from './format.js';
import type { BfsNode } from './graph.js';
import type { HeldLock, Task } from './held.js';
import { type LockdepReport, makeReport } from './report.js';
import { LOCK_TRACE_STATES, stateName, usageName } from './usage.js';

/** print_usage_bug: a lock used both in an irq and with that irq enabled. */
export function inconsistentReport(
  p: Printer,
  task: Task,
  h: HeldLock,
  prevBit: number,
  newBit: number,
  trace: readonly string[],
): LockdepReport {
  const headline = 'WARNING: inconsistent lock state';
  const name = p.name(h.cls);
  const lines = [
    ...p.banner(headline),
    `inconsistent {${usageName(prevBit)}} -> {${usageName(newBit)}} usage.`,
    `${task.label} ${p.irqState(task)} takes:`,
    p.lock(h),
    `{${usageName(prevBit)}} state was registered at:`,
    ...p.trace(h.cls.usageTraces[prevBit] ?? [], 1),
    ...p.irqTrace(task),
    '',
    'other info that might help us debug this:',
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0',
    '       ----',
    `  lock(${name});`,
    '  <Interrupt>',
    `    lock(${name});`,
    '',
    ' *** DEADLOCK ***',
    '',
    ...p.heldLocks(task),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, trace),
  ];
  return makeReport('inconsistent-state', headline, task, [name], lines);
}

const CPU1 = ' '.repeat(31);

/** print_irq_lock_scenario. */
function irqScenario(
  p: Printer,
  safe: LockClass,
  unsafe: LockClass,
  prev: LockClass,
  next: LockClass,
): string[] {
  const middle = prev === safe ? next : prev;
  const lines: string[] = [];
  if (middle !== unsafe) {
    lines.push('Chain exists of:', `  ${p.name(safe)} --> ${p.name(middle)} --> ${p.name(unsafe)}`, '');
  }
  lines.push(
    ' Possible interrupt unsafe locking scenario:',
    '',
    '       CPU0                    CPU1',
    '       ----                    ----',
    `  lock(${p.name(unsafe)});`,
    `${CPU1}local_irq_disable();`,
    `${CPU1}lock(${p.name(safe)});`,
    `${CPU1}lock(${p.name(middle)});`,
    '  <Interrupt>',
    `    lock(${p.name(safe)});`,
    '',
    ' *** DEADLOCK ***',
    '',
  );
  return lines;
}

/** print_lock_class_header: `-> (class){..}-{..} {`, each usage with its trace, `}`, key line. */
function classHeader(p: Printer, cls: LockClass, depth: number): string[] {
  const ind = ' '.repeat(depth);
  const lines = [`${ind}->${p.lockName(cls)} {`];
  for (let bit = 0; bit < LOCK_TRACE_STATES; bit++) {
    if (!(cls.usageMask & (1 << bit))) continue;
    const head = `${ind}   ${usageName(bit)}`;
    lines.push(`${head} at:`);
    // The kernel indents by depth + printk's return values: a quirk kept verbatim.
    lines.push(...p.trace(cls.usageTraces[bit] ?? [], depth + head.length + 4));
  }
  lines.push(`${ind} }`, `${ind} ... key      at: [<${p.keyAddress(cls)}>] ${p.keySymbol(cls)}`);
  return lines;
}

/** print_shortest_lock_dependencies: from `leaf` up to the root, each with the trace that reached it. */
function shortestDeps(p: Printer, leaf: BfsNode): string[] {
  const lines: string[] = [];
  for (let n: BfsNode | undefined = leaf; n; n = n.parent) {
    const ind = ' '.repeat(n.depth);
    lines.push(...classHeader(p, n.cls, n.depth), `${ind} ... acquired at:`, ...p.trace(n.trace, 2), '');
  }
  return lines;
}

/** print_shortest_lock_dependencies_backwards: the trace printed is the one of the entry before. */
function shortestDepsBackwards(p: Printer, leaf: BfsNode): string[] {
  const lines: string[] = [];
  let trace: readonly string[] | undefined;
  for (let n: BfsNode | undefined = leaf; n; n = n.parent) {
    lines.push(...classHeader(p, n.cls, n.depth));
    if (trace) lines.push(`${' '.repeat(n.depth)} ... acquired at:`, ...p.trace(trace, 2), '');
    trace = n.trace;
  }
  return lines;
}

/**
 * print_irq_inversion_bug: `h` just got a usage bit; `other` (found from `root`) has the conflicting
 * one. `forwards`: h is irq-safe and took the unsafe `other`; else the safe `other` took h.
 */
export function irqInversionReport(
  p: Printer,
  task: Task,
  h: HeldLock,
  root: BfsNode,
  other: BfsNode,
  forwards: boolean,
  irqclass: string,
  trace: readonly string[],
): LockdepReport {
  const headline = 'WARNING: possible irq lock inversion dependency detected';
  let middle = other;
  while (middle.parent && middle.parent !== root) middle = middle.parent;
  const scenario = forwards
    ? irqScenario(p, root.cls, other.cls, middle.cls, other.cls)
    : irqScenario(p, other.cls, root.cls, middle.cls, root.cls);
  const lines = [
    ...p.banner(headline),
    `${task.label} just changed the state of lock:`,
    p.lock(h),
    forwards
      ? `but this lock took another, ${irqclass}-unsafe lock in the past:`
      : `but this lock was taken by another, ${irqclass}-safe lock in the past:`,
    p.lockName(other.cls),
    '',
    '',
    'and interrupts could create inverse lock ordering between them.',
    '',
    '',
    'other info that might help us debug this:',
    ...scenario,
    ...p.heldLocks(task),
    '',
    'the shortest dependencies between 2nd lock and 1st lock:',
    ...shortestDeps(p, other),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, trace),
  ];
  return makeReport('irq-inversion', headline, task, [p.name(h.cls), p.name(other.cls)], lines);
}

/** What check_irq_usage found: the safe lock behind prev and the unsafe lock after next. */
export interface BadIrqDependency {
  readonly prevRoot: BfsNode;
  readonly nextRoot: BfsNode;
  readonly safe: BfsNode;
  readonly unsafe: BfsNode;
  readonly safeBit: number;
  readonly unsafeBit: number;
}

/** print_bad_irq_dependency: `HARDIRQ-safe -> HARDIRQ-unsafe lock order detected`. */
export function badIrqDependencyReport(
  p: Printer,
  task: Task,
  prev: HeldLock,
  next: HeldLock,
  d: BadIrqDependency,
): LockdepReport {
  const irq = stateName(d.safeBit);
  const headline = `WARNING: ${irq}-safe -> ${irq}-unsafe lock order detected`;
  const lines = [
    // The kernel's rules are a fixed 53 characters, shorter than this headline.
    ...p.banner(headline, 53),
    `${task.label} ${p.irqState(task)} is trying to acquire:`,
    p.lock(next),
    '',
    'and this task is already holding:',
    p.lock(prev),
    'which would create a new lock dependency:',
    `${p.lockName(prev.cls)} ->${p.lockName(next.cls)}`,
    '',
    `but this new dependency connects a ${irq}-irq-safe lock:`,
    p.lockName(d.safe.cls),
    '',
    `... which became ${irq}-irq-safe at:`,
    ...p.trace(d.safe.cls.usageTraces[d.safeBit] ?? [], 1),
    '',
    `to a ${irq}-irq-unsafe lock:`,
    p.lockName(d.unsafe.cls),
    '',
    `... which became ${irq}-irq-unsafe at:`,
    '...',
    ...p.trace(d.unsafe.cls.usageTraces[d.unsafeBit] ?? [], 1),
    '',
    'other info that might help us debug this:',
    '',
    ...irqScenario(p, d.safe.cls, d.unsafe.cls, prev.cls, next.cls),
    ...p.heldLocks(task),
    '',
    `the dependencies between ${irq}-irq-safe lock and the holding lock:`,
    ...shortestDepsBackwards(p, d.safe),
    '',
    'the dependencies between the lock to be acquired',
    ` and ${irq}-irq-unsafe lock:`,
    ...shortestDeps(p, d.unsafe),
    '',
    'stack backtrace:',
    ...p.dumpStack(task, next.trace),
  ];
  return makeReport('irq-order', headline, task, [p.name(d.safe.cls), p.name(d.unsafe.cls)], lines);
}
