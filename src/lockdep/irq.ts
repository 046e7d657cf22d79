// IRQ usage marking and the irq-safety checks (kernel/locking/lockdep.c: mark_usage, mark_lock,
// mark_lock_irq, valid_state, check_usage_forwards, check_usage_backwards, check_irq_usage,
// mark_held_locks). reference/lockdep.md 1.7(c) and the strong-path refinement of 2.

import type { Trace } from './class.js';
import type { Core } from './core.js';
import { type BfsNode, bfs, bfsRoot } from './graph.js';
import type { HeldLock, Task } from './held.js';
import { badIrqDependencyReport, inconsistentReport, irqInversionReport } from './report-irq.js';
import {
  exclusiveBit,
  exclusiveMask,
  findExclusiveMatch,
  isEnabledBit,
  isReadBit,
  LOCK,
  LOCK_TRACE_STATES,
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_USED_IN_IRQ_ALL,
  originalMask,
  stateName,
} from './usage.js';

/** usage_skip: local_lock and wait-override classes take no part in irq searches. */
function usageSkip(n: BfsNode): boolean {
  return n.cls.lockType !== 'normal';
}

/** A node's usage as the strong-path rule sees it: _READ bits masked after an only-*R step. */
function strongUsage(n: BfsNode): number {
  return n.onlyXr ? n.cls.usageMask & LOCKF_IRQ : n.cls.usageMask;
}

/** valid_state: reports if the class already has `badBit`. */
function validState(
  core: Core,
  task: Task,
  h: HeldLock,
  newBit: number,
  badBit: number,
  trace: Trace,
): boolean {
  if (!(h.cls.usageMask & (1 << badBit))) return true;
  core.emit(`inconsistent-state|${h.cls.idx}|${badBit}|${newBit}`, () =>
    inconsistentReport(core.printer, task, h, badBit, newBit, trace),
  );
  return false;
}

/** check_usage_forwards / check_usage_backwards: a lock reachable with the conflicting usage. */
function checkUsageGraph(core: Core, task: Task, h: HeldLock, bit: number, trace: Trace): boolean {
  const readBit = bit | 1;
  const mask = (1 << bit) | (1 << readBit);
  // A new USED_IN bit looks forwards for ENABLED locks; a new ENABLED bit backwards for USED_IN ones.
  const fw = isEnabledBit(bit);
  const root = fw ? bfsRoot(h.cls, h.read === 2, trace) : bfsRoot(h.cls, h.read !== 0, trace);
  const other = bfs(
    root,
    fw ? 'after' : 'before',
    (n) => (strongUsage(n) & mask) !== 0,
    core.graph,
    usageSkip,
  );
  if (!other) return true;
  const irqclass = stateName(other.cls.usageMask & (1 << bit) ? bit : readBit);
  core.emit(`irq-inversion|${h.cls.idx}|${other.cls.idx}|${irqclass}`, () =>
    irqInversionReport(core.printer, task, h, root, other, fw, irqclass, trace),
  );
  return false;
}

/** mark_lock_irq: the single-lock rule, then the graph rule. */
function markLockIrq(core: Core, task: Task, h: HeldLock, bit: number, trace: Trace): boolean {
  const excl = exclusiveBit(bit);
  if (!validState(core, task, h, bit, excl, trace)) return false;
  if (!isReadBit(bit) && !validState(core, task, h, bit, excl | 1, trace)) return false;
  return checkUsageGraph(core, task, h, excl, trace);
}

/** mark_lock: sets a usage bit (and its trace) once; irq bits are then validated. */
export function markLock(core: Core, task: Task, h: HeldLock, newBit: number, trace: Trace): boolean {
  const bit = newBit === LOCK.USED && h.read ? LOCK.USED_READ : newBit;
  if (h.cls.usageMask & (1 << bit)) return true;
  h.cls.usageMask |= 1 << bit;
  if (bit < LOCK_TRACE_STATES) h.cls.usageTraces[bit] = trace;
  return bit < LOCK.USED ? markLockIrq(core, task, h, bit, trace) : true;
}

/** mark_usage: USED_IN bits in irq context (not for trylock), ENABLED bits with irqs on, then USED. */
export function markUsage(core: Core, task: Task, h: HeldLock): boolean {
  const t = h.trace;
  const r = h.read ? 1 : 0;
  if (h.check) {
    if (!h.trylock) {
      if (task.hardirqCount > 0 && !markLock(core, task, h, LOCK.USED_IN_HARDIRQ + r, t)) return false;
      if (task.softirqCount > 0 && !markLock(core, task, h, LOCK.USED_IN_SOFTIRQ + r, t)) return false;
    }
    // lock_sync() has no critical section, so irqs cannot nest inside it: no ENABLED usage.
    if (!h.hardirqsOff && !h.sync) {
      if (!markLock(core, task, h, LOCK.ENABLED_HARDIRQ + r, t)) return false;
      if (task.softirqsEnabled && !markLock(core, task, h, LOCK.ENABLED_SOFTIRQ + r, t)) return false;
    }
  }
  return markLock(core, task, h, LOCK.USED, t);
}

/** mark_held_locks: irqs (or softirqs) are being enabled, so every held lock gets the ENABLED bit. */
export function markHeldLocks(core: Core, task: Task, baseBit: number, trace: Trace): boolean {
  for (const h of task.held) {
    if (!h.check) continue;
    if (!markLock(core, task, h, baseBit + (h.read ? 1 : 0), trace)) return false;
    if (!core.on) return false;
  }
  return true;
}

/**
 * check_irq_usage: adding prev -> next must not connect a lock used in an irq (behind prev) to a lock
 * taken with that irq enabled (after next).
 */
export function checkIrqUsage(core: Core, task: Task, prev: HeldLock, next: HeldLock): boolean {
  let usage = 0;
  bfs(
    bfsRoot(prev.cls, prev.read !== 0),
    'before',
    (n) => {
      usage |= strongUsage(n);
      return false;
    },
    core.graph,
    usageSkip,
  );
  usage &= LOCKF_USED_IN_IRQ_ALL;
  if (!usage) return true;

  const forwardMask = exclusiveMask(usage);
  const nextRoot = bfsRoot(next.cls, next.read === 2, next.trace);
  const unsafe = bfs(nextRoot, 'after', (n) => (strongUsage(n) & forwardMask) !== 0, core.graph, usageSkip);
  if (!unsafe) return true;

  // Only ENABLED bits of the unsafe lock count (a softirq-safe M must not pull in softirq-unsafe N).
  const backwardMask = originalMask(unsafe.cls.usageMask & LOCKF_ENABLED_IRQ_ALL);
  const prevRoot = bfsRoot(prev.cls, prev.read !== 0);
  const safe = bfs(prevRoot, 'before', (n) => (strongUsage(n) & backwardMask) !== 0, core.graph, usageSkip);
  if (!safe) return true;
  const pair = findExclusiveMatch(safe.cls.usageMask, unsafe.cls.usageMask);
  if (!pair) return true;
  const [safeBit, unsafeBit] = pair;
  core.emit(`irq-order|${safe.cls.idx}|${unsafe.cls.idx}|${safeBit}|${unsafeBit}`, () =>
    badIrqDependencyReport(core.printer, task, prev, next, {
      prevRoot,
      nextRoot,
      safe,
      unsafe,
      safeBit,
      unsafeBit,
    }),
  );
  return false;
}
