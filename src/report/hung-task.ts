import type { Actor } from '../core/actor.js';
import { frameNames } from '../core/frames.js';
import type { World } from '../core/world.js';
import type { Execution } from '../explore/execute.js';
import { kernelOf } from '../kernel/boot.js';

/** The actors a deadlocked execution leaves in state D: the hung-task detector's candidates. */
export function hungActors(ex: Execution): Actor[] {
  if (ex.outcome.kind !== 'deadlock') return [];
  return ex.outcome.blocked.map((id) => ex.world.actors[id]!).filter((a) => a.pending?.wait?.state === 'D');
}

/** The call trace of a blocked actor, innermost first: the sleep's frames, then the model's. */
export function callTrace(actor: Actor): string[] {
  const sleep = actor.pending?.wait?.sleepFrames ?? [];
  return [...[...sleep].reverse(), ...frameNames(actor)];
}

/** 0x%08lx. */
function hex8(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * kernel/hung_task.c: check_hung_task + sched_show_task, as 6.6 prints them for a task blocked
 * in D state: the INFO line, the taint line, the hint, the `task:` line and the call trace.
 */
export function hungTaskReport(world: World, actor: Actor): string[] {
  const k = kernelOf(world);
  const task = k?.tasks.get(actor.id);
  const timeout = k?.config.hung_task_timeout_secs ?? 120;
  const release = k?.config.release ?? 'unknown';
  const comm = actor.comm.slice(0, 15);
  const lines = [
    `INFO: task ${comm}:${actor.pid} blocked for more than ${timeout} seconds.`,
    `      Not tainted ${release} #1`,
    '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    `task:${comm.padEnd(15)} state:D stack:0     pid:${String(actor.pid).padEnd(5)} ppid:${String(task?.ppid ?? 0).padEnd(6)} flags:${hex8(task?.ti.flags() ?? 0)}`,
    'Call Trace:',
    ' <TASK>',
    ...callTrace(actor).map((f) => ` ${f}`),
    ' </TASK>',
  ];
  return lines;
}
