import { type CheckResult, verdictOfResult } from '../api/check.js';
import { expectedVerdict, type Target } from '../api/target.js';
import type { Execution } from '../explore/execute.js';
import type { ExploreResult } from '../explore/explore.js';
import { kernelOf } from '../kernel/boot.js';
import { hungActors, hungTaskReport } from './hung-task.js';
import { interleaving } from './interleaving.js';
import { cycleLines, cycleSummary } from './livelock.js';
import { showAllLocks } from './lockdep-lines.js';
import { explain, formatWhy } from './why.js';

/** `falloc-dio,loops=2 on v6.6-rc7,lockdep=0`. */
export function targetName(t: Target): string {
  const p = t.paramOverrides.map(([k, v]) => `,${k}=${v}`).join('');
  const c = t.configOverrides.map(([k, v]) => `,${k}=${v}`).join('');
  // A model without a kernel (variant `plain`, api/model-target.ts) has no variant to name.
  if (t.custom && t.variant === 'plain') return `model ${t.scenario.name}${p}${c ? ` (${c.slice(1)})` : ''}`;
  return `${t.scenario.name}${p} on ${t.variant}${c}`;
}

/** The one-line verdict of an execution that found a problem. */
export function verdictLine(ex: Execution): string {
  const o = ex.outcome;
  if (o.kind === 'assertion') {
    return `verdict: assertion failed in ${ex.world.actors[o.actor]!.label}: ${o.message}`;
  }
  if (o.kind === 'dept') {
    return `verdict: dept: ${o.report.headline.replace(/^DEPT: /, '').replace(/\.$/, '')} (${ex.world.actors[o.actor]!.label})`;
  }
  if (o.kind === 'lockdep') {
    return `verdict: lockdep: ${o.report.headline.replace(/^WARNING: /, '')} (${ex.world.actors[o.actor]!.label})`;
  }
  if (o.kind !== 'deadlock' && o.kind !== 'livelock') return `verdict: ${o.kind}`;
  if (o.kind === 'livelock' && o.cycle) return `verdict: livelock: ${cycleSummary(ex, o.cycle)}`;
  const blocked = o.blocked.map((id) => ex.world.actors[id]!);
  if (o.kind === 'livelock') {
    const spin = (a: (typeof blocked)[number]) => `${a.label} retries forever: ${a.pending!.label}`;
    return `verdict: livelock: ${blocked.map(spin).join('; ')}`;
  }
  const hung = hungActors(ex);
  const where = (a: (typeof blocked)[number]) =>
    `${a.label} in ${a.frames[a.frames.length - 1]?.name ?? '(user space)'}, state ${a.pending!.wait!.state}`;
  const count =
    hung.length > 0
      ? `${hung.length} task${hung.length === 1 ? '' : 's'} hung`
      : `no task in state D (no hung-task report), ${blocked.length} blocked for good`;
  return `verdict: deadlock: ${count} (${blocked.map(where).join('; ')})`;
}

/**
 * The loop a spinning actor repeats: from its last syscall entry to its last step. Every later
 * attempt runs the same steps and fails the same way.
 */
function repeatingCycle(ex: Execution, actor: number): string[] {
  const trace = ex.world.trace ?? [];
  const mine = trace.filter((s) => s.actor === actor);
  let from = mine.length - 1;
  while (from > 0 && !mine[from]!.label.startsWith('syscall ')) from--;
  const loop = mine.slice(from);
  if (loop.length === 0) return [];
  const a = ex.world.actors[actor]!;
  return [
    `${a.label} repeats steps ${loop.map((s) => s.index).join(', ')} forever:`,
    ...loop.map((s) => `  ${s.label}${s.note ? `  -- ${s.note}` : ''}`),
  ];
}

/**
 * The replayable problem report: token first, verdict, the hung-task reports with held locks,
 * other blocked tasks, the `why:` explanation and the interleaving. `lockstep replay <token>`
 * prints exactly this.
 */
export function problemReport(token: string, ex: Execution): string {
  const world = ex.world;
  const lines = [`replay: ${token}`, verdictLine(ex), ''];
  if (ex.outcome.kind === 'deadlock') {
    const blocked = ex.outcome.blocked.map((id) => world.actors[id]!);
    const hung = hungActors(ex);
    const config = kernelOf(world)?.config;
    // kernel.hung_task_timeout_secs = 0 turns the detector off; CONFIG_LOCKDEP adds the lock list.
    const detector = (config?.hung_task_timeout_secs ?? 120) > 0 ? hung : [];
    for (const a of detector) lines.push(...hungTaskReport(world, a), '');
    if (detector.length > 0 && config?.lockdep !== false) lines.push(...showAllLocks(world), '');
    const others = blocked.filter((a) => a.pending?.wait?.state !== 'D');
    if (others.length > 0) {
      lines.push('Also blocked, not reported as hung (the detector looks only at state D):');
      for (const a of others) {
        const w = a.pending!.wait!;
        lines.push(
          `  ${a.label} state:${w.state} in ${a.frames[a.frames.length - 1]?.name ?? '?'}, waiting for ${w.until}`,
        );
      }
      lines.push('');
    }
    lines.push(...formatWhy(explain(world)), '');
  }
  if (ex.outcome.kind === 'lockdep' || ex.outcome.kind === 'dept') {
    // The report as the kernel prints it; the execution stops at the step that triggered it.
    lines.push(...ex.outcome.report.text().trimEnd().split('\n'), '');
  }
  if (ex.outcome.kind === 'livelock' && ex.outcome.cycle) {
    lines.push(...cycleLines(ex, ex.outcome.cycle), '');
  } else if (ex.outcome.kind === 'livelock') {
    for (const id of ex.outcome.blocked) lines.push(...repeatingCycle(ex, id), '');
    lines.push(...formatWhy(explain(world)), '');
  }
  lines.push(...interleaving(world, world.trace ?? []));
  return `${lines.join('\n')}\n`;
}

/** How much was explored, and whether that covers every schedule. */
export function exploreSummary(r: ExploreResult): string {
  const runs =
    `${r.executions} execution${r.executions === 1 ? '' : 's'}` +
    (r.traces !== null && r.stop !== 'found'
      ? `, ${r.traces} distinct trace${r.traces === 1 ? '' : 's'}`
      : '');
  const extra = [
    r.pruned ? `${r.pruned} cut short by sleep sets` : '',
    r.cut ? `${r.cut} cut at the step bound` : '',
    r.unfair ? `${r.unfair} cut as unfair at the livelock bound` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const how =
    r.stop === 'found'
      ? 'stopped at the first counterexample'
      : r.complete
        ? r.unfair
          ? 'complete: every fair schedule explored'
          : 'complete: every schedule explored'
        : r.stop === 'max-executions'
          ? 'INCOMPLETE: hit --max-executions'
          : r.stop === 'max-time'
            ? 'INCOMPLETE: hit --max-time'
            : r.stop === 'interrupted'
              ? 'INCOMPLETE: interrupted'
              : r.cut > 0
                ? 'INCOMPLETE: some executions hit the step bound'
                : 'INCOMPLETE: schedules over the preemption bound were skipped';
  return `explored: ${runs}${extra ? ` (${extra})` : ''}, ${r.steps} steps, max depth ${r.maxDepth}, ${r.strategy} search; ${how}`;
}

/** The text `lockstep check` prints for one target. */
export function checkText(r: CheckResult): string {
  const expected = expectedVerdict(r.target);
  const got = verdictOfResult(r);
  const note =
    expected && expected !== got && (got !== 'ok' || r.explore.complete)
      ? `note: ${r.target.scenario.name} is expected to give '${expected}' on ${r.target.variant}\n`
      : '';
  if (r.token && r.execution) {
    const s = r.shrunk;
    const shrunk =
      s && (s.before.steps !== s.after.steps || s.before.preemptions !== s.after.preemptions)
        ? `shrunk: ${s.before.steps} -> ${s.after.steps} steps, ${s.before.preemptions} -> ${s.after.preemptions} preemptions\n`
        : '';
    return `${problemReport(r.token, r.execution)}\n${exploreSummary(r.explore)}\n${shrunk}${note}`;
  }
  const headline = r.explore.complete
    ? `${targetName(r.target)}: ok: no deadlock and no failed assertion in any schedule`
    : `${targetName(r.target)}: no problem found (exploration incomplete)`;
  return `${headline}\n${exploreSummary(r.explore)}\n${note}`;
}
