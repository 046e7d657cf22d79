// Lock-order validation of one acquisition (kernel/locking/lockdep.c: check_wait_context,
// validate_chain, check_deadlock, check_prevs_add, check_prev_add, check_noncircular).
// reference/lockdep.md 1.4-1.6 and 2.

import type { Core } from './core.js';
import { bfs, bfsRoot, calcDep, calcDepb } from './graph.js';
import type { HeldLock, Task } from './held.js';
import { checkIrqUsage } from './irq.js';
import { invalidWaitReport } from './report.js';
import { circularReport, recursiveReport } from './report-deadlock.js';

/** task_wait_context: what the current irq context allows before any lock is held. */
export function taskWaitContext(core: Core, task: Task): number {
  if (task.hardirqCount > 0) return task.hardirqThreaded ? core.waits.config : core.waits.spin;
  if (task.softirqCount > 0) return core.waits.config;
  return core.waits.max;
}

/** check_wait_context: next's outer wait type must not exceed what the context and held locks allow. */
export function checkWaitContext(core: Core, task: Task, next: HeldLock): boolean {
  const inner = next.cls.waitInner;
  if (!inner || next.trylock) return true;
  const outer = next.cls.waitOuter || inner;
  const held = task.held;
  let depth = held.length - 1;
  while (depth >= 0 && held[depth]!.irqContext === next.irqContext) depth--;
  let curr = taskWaitContext(core, task);
  for (depth++; depth < held.length; depth++) {
    const c = held[depth]!.cls;
    if (!c.waitInner) continue;
    curr = Math.min(curr, c.waitInner);
    // LD_LOCK_WAIT_OVERRIDE annotations reset the context to their own inner type.
    if (c.lockType === 'wait-override') curr = c.waitInner;
  }
  if (outer <= curr) return true;
  const context = taskWaitContext(core, task);
  core.emit(`invalid-wait-context|${next.cls.idx}|${context}`, () =>
    invalidWaitReport(core.printer, task, next, context),
  );
  return false;
}

/** check_deadlock: 1 = fine, 2 = same class nested under its nest_lock, 0 = reported. */
function checkDeadlock(core: Core, task: Task, next: HeldLock): 0 | 1 | 2 {
  let nest: HeldLock | undefined;
  for (const prev of task.held) {
    if (next.nestLock && prev.map === next.nestLock) nest = prev;
    if (prev.cls !== next.cls) continue;
    // read_lock(l) + read_lock(l) recursion is allowed for a recursive reader.
    if (next.read === 2 && prev.read) continue;
    if (nest) return 2;
    core.emit(`recursive|${next.cls.idx}`, () => recursiveReport(core.printer, task, prev, next));
    return 0;
  }
  return 1;
}

/** check_noncircular + check_irq_usage + adding (or OR-ing into) the edge prev -> next. */
function checkPrevAdd(core: Core, task: Task, prev: HeldLock, next: HeldLock, distance: number): boolean {
  const root = bfsRoot(next.cls, next.read === 2, next.trace);
  // hlock_conflict: reaching prev closes a cycle if prev is held exclusive or the path ends -(*N)->.
  const target = bfs(root, 'after', (n) => n.cls === prev.cls && (prev.read === 0 || !n.onlyXr), core.graph);
  if (target) {
    if (prev.cls === next.cls) {
      // The kernel passes (src, target) = (next, prev) as print_deadlock_bug's (prev, next).
      core.emit(`recursive|${next.cls.idx}`, () => recursiveReport(core.printer, task, next, prev));
    } else {
      const key = circularKey(target);
      core.emit(`circular|${key}`, () => circularReport(core.printer, task, prev, next, target));
    }
    return false;
  }
  if (!checkIrqUsage(core, task, prev, next)) return false;

  const dep = calcDep(prev.read, next.read);
  const existing = prev.cls.after.find((e) => e.cls === next.cls);
  if (existing) {
    if (distance === 1) existing.distance = 1;
    existing.dep |= dep;
    const back = next.cls.before.find((e) => e.cls === prev.cls);
    if (back) {
      if (distance === 1) back.distance = 1;
      back.dep |= calcDepb(prev.read, next.read);
    }
    return true;
  }
  if (core.edgeEntries + 2 > core.limits.entries) {
    core.capacity('BUG: MAX_LOCKDEP_ENTRIES too low!', task, next.trace);
    return false;
  }
  core.edgeEntries += 2;
  prev.cls.after.push({ cls: next.cls, dep, distance, trace: next.trace });
  next.cls.before.push({ cls: prev.cls, dep: calcDepb(prev.read, next.read), distance, trace: next.trace });
  return true;
}

function circularKey(target: { cls: { idx: number }; parent: typeof target | undefined }): string {
  const ids: number[] = [];
  for (let n: typeof target | undefined = target; n; n = n.parent) ids.push(n.cls.idx);
  return ids.join(',');
}

/**
 * check_prevs_add: edges from held locks of the same irq context, walking down from the top and
 * stopping after the first non-trylock entry (trylocks directly above it get edges too).
 */
function checkPrevsAdd(core: Core, task: Task, next: HeldLock): boolean {
  const held = task.held;
  for (let depth = held.length; depth > 0; depth--) {
    const h = held[depth - 1]!;
    if (h.check) {
      if (!checkPrevAdd(core, task, h, next, held.length - depth + 1)) return false;
      if (!h.trylock) break;
    }
    if (depth > 1 && held[depth - 1]!.irqContext !== held[depth - 2]!.irqContext) break;
  }
  return true;
}

/**
 * validate_chain: trylock and check=0 acquisitions add nothing; a cached chain is not checked again;
 * a new chain is checked for recursion and, unless it starts an irq context or is nest-protected,
 * for new dependencies.
 */
export function validateChain(
  core: Core,
  task: Task,
  next: HeldLock,
  chainHead: boolean,
  key: string,
): boolean {
  if (next.trylock || !next.check) return true;
  if (core.chains.lookup(key)) return true;
  const length = key.split(',').length;
  if (core.chains.size >= core.limits.chains) {
    core.capacity('BUG: MAX_LOCKDEP_CHAINS too low!', task, next.trace);
    return false;
  }
  if (core.chains.hlocks + length > core.limits.chainHlocks) {
    core.capacity('BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!', task, next.trace);
    return false;
  }
  core.chains.add(key, length);
  const r = checkDeadlock(core, task, next);
  if (r === 0) return false;
  if (!chainHead && r !== 2) return checkPrevsAdd(core, task, next);
  return true;
}
