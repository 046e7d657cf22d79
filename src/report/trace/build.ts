import { record } from '../../api/check.js';
import type { Target } from '../../api/target.js';
import type { Execution } from '../../explore/execute.js';
import { kernelOf } from '../../kernel/boot.js';
import { snapshotKernel, snapshotsOf } from '../../kernel/inspect.js';
import { className } from '../../lockdep/class.js';
import { lockdepValidator } from '../../sync/lockdep-wire.js';
import { letterOf } from '../interleaving.js';
import { cycleJson, cycleLines, livelockCycle } from '../livelock.js';
import { verdictLine } from '../text.js';
import { explain, waitForCycles, waitForEdges } from '../why.js';
import { bioIntervals, blockedIntervals, lockHolds, traceEvents } from './derive.js';
import type { LockdepGraph, TraceActor, TraceDocument, TraceStep, TraceVerdict } from './types.js';

function verdictOf(ex: Execution): TraceVerdict {
  const o = ex.outcome;
  const stuck = o.kind === 'deadlock' || o.kind === 'livelock';
  const cycle = livelockCycle(ex);
  return {
    kind: o.kind,
    line: verdictLine(ex).replace(/^verdict: /, ''),
    // A fair livelock is explained by the steps it repeats; the viewer lists `why` as it is.
    why: cycle ? cycleLines(ex, cycle) : stuck ? explain(ex.world) : [],
    ...(cycle ? { cycle: cycleJson(ex, cycle) } : {}),
    blocked: stuck ? o.blocked : [],
    cycles: stuck ? waitForCycles(ex.world).map((c) => c.map((a) => a.id)) : [],
    report:
      o.kind === 'lockdep' || o.kind === 'dept' ? o.report.text() : o.kind === 'assertion' ? o.message : null,
  };
}

/**
 * The lockdep dependency graph of the counterexample. With CONFIG_LOCKDEP off, the schedule is
 * re-run with it on to get one; the graph is then of that run (which may stop at a report).
 */
function lockdepGraph(target: Target, ex: Execution): LockdepGraph | null {
  let v = lockdepValidator(ex.world);
  if (!v) {
    const withLockdep = { ...target, config: { ...target.config, lockdep: true } };
    // Exactly the counterexample's steps: no livelock bound (the one it was found with is not known here).
    v = lockdepValidator(record(withLockdep, ex.schedule, ex.schedule.length, 0).world);
  }
  if (!v) return null;
  const o = ex.outcome;
  // A lockdep report names the classes it is about (circular: the path of the cycle, new lock first).
  const named = o.kind === 'lockdep' ? (o.report as { classes?: readonly string[] }).classes : undefined;
  return {
    classes: v.registry.all.map(className),
    edges: v.edges(),
    cycle: [...(named ?? [])],
  };
}

/** The `lockstep-trace` document of a recorded counterexample. */
export function traceDocument(target: Target, token: string, ex: Execution): TraceDocument {
  const world = ex.world;
  const actors: TraceActor[] = world.actors.map((a) => ({
    id: a.id,
    label: a.label,
    comm: a.comm,
    pid: a.pid,
    kind: a.kind,
    letter: letterOf(a.id),
  }));
  const steps: TraceStep[] = (world.trace ?? []).map((s) => ({
    index: s.index,
    actor: s.actor,
    alt: s.alt,
    label: s.label,
    frames: s.frames,
    note: s.note,
    touches: s.touches,
    reads: s.reads,
    wakes: s.wakes,
  }));
  const k = kernelOf(world);
  const recorded = snapshotsOf(world);
  const states = recorded.length > 0 ? recorded : k ? [snapshotKernel(k)] : [];
  const verdict = verdictOf(ex);
  const inCycle = new Set(verdict.cycles.flat());
  const events = traceEvents(steps, states);
  return {
    format: 'lockstep-trace',
    version: 1,
    target: {
      scenario: target.scenario.name,
      params: target.params,
      variant: target.variant,
      config: target.config as unknown as Record<string, string | number | boolean>,
    },
    token,
    verdict,
    actors,
    steps,
    states,
    locks: lockHolds(states, actors.length),
    blocked: blockedIntervals(states, actors.length, inCycle),
    events,
    bios: bioIntervals(events, actors),
    waitFor: waitForEdges(world).map((e) => ({
      from: e.from.id,
      to: e.to?.id ?? null,
      how: e.how,
      cycle: inCycle.has(e.from.id) && e.to !== null && inCycle.has(e.to.id),
    })),
    lockdep: lockdepGraph(target, ex),
  };
}
