// Wires the model to the DEPT tracker (CONFIG_DEPT, opt-in with `--config dept=1`). One tracker per
// execution, so a report depends only on the execution's schedule and replays byte for byte.
// Waits are taken from the engine: after each step, every actor whose pending op has newly
// blocked records a wait [W] on the event class of the object it waits on. Its open event contexts
// at that moment are the locks it holds ([S] lock, [E] unlock) and the pending events it alone
// must deliver later and cannot deliver during this sleep (a completion queued on its own
// task_work while it sleeps uninterruptibly).

import type { Actor } from '../core/actor.js';
import { frameNames } from '../core/frames.js';
import type { Op, SimObject, WaitInfo } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import type { ModelReport } from '../explore/execute.js';
import { Dept, type DeptClass, type DeptOpen, type DeptReport, type DeptSite } from '../lockdep/dept.js';
import type { KernelIdent } from '../lockdep/format.js';
import { className, heldStacks, isLockable } from './lock-class.js';

/** Who will deliver a pending event, and whether it can while sleeping in a given wait. */
export interface DeptDeliverer {
  readonly actor: Actor;
  /** Whether the event still gets delivered while `actor` sleeps in `wait` (TIF_NOTIFY_SIGNAL ends an interruptible sleep). */
  reachable(wait: WaitInfo): boolean;
}

/** An event some context owes: [S] where it started, [E] the function that will deliver it. */
export interface DeptEvent {
  readonly cls: DeptClass;
  readonly s: DeptSite;
  readonly e: string;
  /** The one context that will deliver it, as far as is known now; null when no single task does. */
  deliverer(): DeptDeliverer | null;
}

interface WorldDept {
  dept: Dept | null;
  readonly events: Map<object, DeptEvent>;
  readonly recorded: Map<Actor, Op>;
  report: ModelReport | null;
}

const deptSlot = defineSlot<WorldDept>(() => ({
  dept: null,
  events: new Map(),
  recorded: new Map(),
  report: null,
}));

/** Turns DEPT on for this execution. */
export function attachDept(world: World, ident: Partial<KernelIdent> = {}): void {
  world.slot(deptSlot).dept = new Dept(ident);
}

/** Whether DEPT runs in this execution (lock_acquire then keeps each hold's stack for [S]). */
export function deptEnabled(world: World): boolean {
  return world.slot(deptSlot).dept !== null;
}

/** The event class of a waited object: the lock class for locks, the object's name otherwise. */
export function deptClassOf(o: SimObject): DeptClass {
  return isLockable(o)
    ? { name: className(o.lockClass), subclass: o.lockClass.subclass }
    : { name: o.name, subclass: 0 };
}

/** Opens an event context keyed by `token` (e.g. an Obligation); `s` is `fn` at `actor`'s current stack. */
export function dept_event_begin(
  world: World,
  actor: Actor,
  token: object,
  ev: { cls: DeptClass; s: string; e: string; deliverer(): DeptDeliverer | null },
): void {
  const d = world.slot(deptSlot);
  if (!d.dept) return;
  const s = { fn: ev.s, stack: frameNames(actor) };
  d.events.set(token, { cls: ev.cls, s, e: ev.e, deliverer: ev.deliverer });
}

/** The event of `token` happened: its context is closed. */
export function dept_event_end(world: World, token: object): void {
  world.slot(deptSlot).events.delete(token);
}

function modelReport(r: DeptReport, actor: number): ModelReport {
  return { kind: r.kind, headline: r.headline, checker: 'dept', actor, text: () => r.text() };
}

/** The op's function name, from a label like `down_write(...)`; null for prose labels. */
function opFunction(label: string): string | null {
  return /^(\w+)\(/.exec(label)?.[1] ?? null;
}

/**
 * Records the waits that blocked since the last call and returns the first DEPT report of this
 * execution, if any. Called after every step.
 */
export function deptCheck(world: World): ModelReport | null {
  const d = world.slot(deptSlot);
  if (!d.dept || d.report) return d.report;
  for (const a of world.actors) {
    const op = a.pending;
    const wait = op?.wait;
    if (!op || !wait || wait.idle || wait.spin || d.recorded.get(a) === op || op.enabled()) continue;
    d.recorded.set(a, op);
    const open: DeptOpen[] = [];
    for (const h of a.held) {
      open.push({
        cls: deptClassOf(h.lock),
        s: { fn: 'lock', stack: heldStacks.get(h) ?? [h.site] },
        e: 'unlock',
      });
    }
    for (const ev of d.events.values()) {
      const by = ev.deliverer();
      if (by && by.actor === a && !by.reachable(wait)) open.push({ cls: ev.cls, s: ev.s, e: ev.e });
    }
    if (open.length === 0) continue;
    const stack = frameNames(a);
    const fn = (isLockable(wait.object) ? opFunction(op.label) : null) ?? stack[0] ?? op.label;
    const r = d.dept.wait(
      { comm: a.comm, pid: a.pid },
      {
        cls: deptClassOf(wait.object),
        w: { fn, stack: [...[...wait.sleepFrames].reverse(), ...stack], ip: stack[0] ?? fn },
      },
      open,
    );
    if (r) return (d.report = modelReport(r, a.id));
  }
  return null;
}
