// Intervals and events of a trace, derived from the per-step snapshots: a lock is held from the
// step whose snapshot first lists it to the step whose snapshot drops it, and so on.

import type { ActorSnapshot, KernelSnapshot, QueueSnapshot } from '../../kernel/inspect.js';
import type { BioInterval, BlockedInterval, LockHold, TraceActor, TraceEvent, TraceStep } from './types.js';

const NO_ACTOR: ActorSnapshot = {
  status: 'runnable',
  in: null,
  wait: null,
  held: [],
  taskWork: [],
  ioUringWork: [],
  flags: [],
};

function actorAt(s: KernelSnapshot | undefined, id: number): ActorSnapshot {
  return s?.actors[id] ?? NO_ACTOR;
}

/** The items of `after` not matched one-for-one in `before` (multiset difference). */
export function added(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of before) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of after) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** Lock holds per actor, in order of acquisition. */
export function lockHolds(states: readonly KernelSnapshot[], actors: number): LockHold[] {
  const out: LockHold[] = [];
  const open = new Map<string, { hold: Omit<LockHold, 'to'>; index: number }>();
  for (let k = 0; k < states.length; k++) {
    const seen = new Set<string>();
    for (let id = 0; id < actors; id++) {
      for (const h of actorAt(states[k], id).held) {
        const key = `${id}|${h.oid}|${h.read}|${h.site}`;
        seen.add(key);
        if (open.has(key)) continue;
        const hold = { actor: id, lock: h.name, oid: h.oid, read: h.read, site: h.site, from: k };
        open.set(key, { hold, index: out.length });
        out.push({ ...hold, to: null });
      }
    }
    for (const [key, o] of open) {
      if (seen.has(key)) continue;
      out[o.index] = { ...o.hold, to: k };
      open.delete(key);
    }
  }
  return out;
}

/** Blocked intervals per actor (idle kernel threads are not blocked). */
export function blockedIntervals(
  states: readonly KernelSnapshot[],
  actors: number,
  cycle: ReadonlySet<number>,
): BlockedInterval[] {
  const out: BlockedInterval[] = [];
  const open = new Map<number, { key: string; index: number }>();
  for (let k = 0; k < states.length; k++) {
    for (let id = 0; id < actors; id++) {
      const a = actorAt(states[k], id);
      const w = a.status === 'blocked' ? a.wait : null;
      const key = w ? `${w.oid}|${w.state}|${w.until}` : '';
      const o = open.get(id);
      if (o && o.key === key) continue;
      if (o) {
        out[o.index] = { ...out[o.index]!, to: k, cycle: false };
        open.delete(id);
      }
      if (!w) continue;
      open.set(id, { key, index: out.length });
      out.push({ actor: id, ...w, in: a.in, from: k, to: null, cycle: cycle.has(id) });
    }
  }
  return out;
}

function queueDiff(
  before: readonly QueueSnapshot[],
  after: readonly QueueSnapshot[],
): { name: string; added: string[]; removed: string[] }[] {
  return after.map((q) => {
    const old = before.find((b) => b.oid === q.oid)?.items ?? [];
    return { name: q.name, added: added(old, q.items), removed: added(q.items, old) };
  });
}

/** Cross-lane events: wakeups, task_work queued and run, bios submitted and completed, CQEs posted. */
export function traceEvents(steps: readonly TraceStep[], states: readonly KernelSnapshot[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const s of steps) {
    const before = states[s.index - 1];
    const after = states[s.index];
    if (!before || !after) continue;
    const ev = (kind: TraceEvent['kind'], target: number | null, what: string) =>
      out.push({ kind, step: s.index, actor: s.actor, target, what });
    for (const w of s.wakes) ev('wake', w, 'wake-up');
    for (let id = 0; id < after.actors.length; id++) {
      const a = actorAt(before, id);
      const b = actorAt(after, id);
      for (const w of added(a.taskWork, b.taskWork)) ev('task_work_add', id, w);
      for (const w of added(a.ioUringWork, b.ioUringWork)) ev('task_work_add', id, `io_uring: ${w}`);
      for (const w of added(b.taskWork, a.taskWork)) ev('task_work_run', id, w);
      for (const w of added(b.ioUringWork, a.ioUringWork)) ev('task_work_run', id, `io_uring: ${w}`);
    }
    for (const q of queueDiff(before.bios, after.bios)) {
      for (const b of q.added) ev('bio_submit', null, `${b} on ${q.name}`);
      for (const b of q.removed) ev('bio_complete', null, `${b} on ${q.name}`);
    }
    for (const q of queueDiff(before.cqes, after.cqes)) {
      for (const c of q.added) ev('cqe_post', null, `${c} on ${q.name}`);
    }
  }
  return out;
}

/** Each bio from submission to completion, from the bio events. */
export function bioIntervals(events: readonly TraceEvent[], actors: readonly TraceActor[]): BioInterval[] {
  const out: BioInterval[] = [];
  for (const e of events) {
    const on = e.what.lastIndexOf(' on ');
    const what = e.what.slice(0, on);
    const device = e.what.slice(on + 4);
    if (e.kind === 'bio_submit') {
      const irq = actors.find((a) => a.kind === 'irq' && a.comm === `hardirq/${device}`)?.id ?? null;
      out.push({ what, device, submitted: e.step, by: e.actor, completed: null, irq });
    } else if (e.kind === 'bio_complete') {
      const i = out.findIndex((b) => b.completed === null && b.what === what && b.device === device);
      if (i >= 0) out[i] = { ...out[i]!, completed: e.step, irq: e.actor };
    }
  }
  return out;
}
