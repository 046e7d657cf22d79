import type { Op } from '../core/op.js';
import type { Choice } from '../core/schedule.js';

// The events of DPOR and its wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): what a step
// conflicts with, the (weak) initials of a sequence, and inserting a sequence into a tree.

/**
 * One step as DPOR sees it: who runs, which outcome of a nondeterministic op, and the ids of the
 * objects it writes and only reads. Ids, not objects: every execution builds a fresh world.
 */
export interface Event {
  readonly actor: number;
  readonly alt: number;
  readonly w: readonly number[];
  readonly r: readonly number[];
  /** Number of outcomes of the op (bios that may complete first); 1 for most ops. */
  readonly alts: number;
  /** The op can block (a lock, a wait): it races with every concurrent conflicting step, see `record`. */
  readonly guarded: boolean;
}

const NO_OBJECTS: readonly number[] = [];

function ids(objects: Op['touches'] | undefined): readonly number[] {
  if (!objects || objects.length === 0) return NO_OBJECTS;
  return objects.map((o) => o.oid);
}

/** The event a choice makes, from the op its actor would run. */
export function eventOf(c: Choice, op: Op): Event {
  return {
    actor: c.actor,
    alt: c.alt,
    w: ids(op.touches),
    r: ids(op.reads),
    alts: op.alternatives ?? 1,
    guarded: op.wait !== undefined,
  };
}

function overlap(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

/** Two steps conflict when they belong to one actor, or one writes an object the other reads or writes. */
export function dependent(a: Event, b: Event): boolean {
  return a.actor === b.actor || overlap(a.w, b.w) || overlap(a.w, b.r) || overlap(a.r, b.w);
}

export function sameEvent(a: Event, b: Event): boolean {
  return a.actor === b.actor && a.alt === b.alt;
}

/** A wakeup tree (Abdulla et al., POPL 2014): ordered children, each a step and the tree after it. */
export interface WakeupNode {
  readonly ev: Event;
  readonly children: WakeupNode[];
}

export const NOT_INITIAL = -1;

/**
 * Whether `ev` is a weak initial of `w` (its actor can go first without reordering conflicting
 * steps): the index in `w` of the step it is, `w.length` when its actor has no step in `w` and it
 * conflicts with none, or NOT_INITIAL.
 */
export function weakInitial(ev: Event, w: readonly Event[]): number {
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (x.actor !== ev.actor) continue;
    if (x.alt !== ev.alt) return NOT_INITIAL;
    for (let k = 0; k < i; k++) if (dependent(w[k]!, x)) return NOT_INITIAL;
    return i;
  }
  for (const x of w) if (dependent(ev, x)) return NOT_INITIAL;
  return w.length;
}

/** The initials of `w`: steps no earlier step of `w` must precede. */
export function initials(w: readonly Event[]): Event[] {
  const out: Event[] = [];
  const seen: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (seen.includes(x.actor)) continue;
    seen.push(x.actor);
    let free = true;
    for (let k = 0; k < i && free; k++) if (dependent(w[k]!, x)) free = false;
    if (free) out.push(x);
  }
  return out;
}

function chain(w: readonly Event[]): WakeupNode {
  let node: WakeupNode = { ev: w[w.length - 1]!, children: [] };
  for (let i = w.length - 2; i >= 0; i--) node = { ev: w[i]!, children: [node] };
  return node;
}

/**
 * Inserts `v` into a wakeup tree unless a branch already covers it (insert[E](v, wut) of the paper).
 * Roots in `ignore` are treated as absent (another shard explores them).
 */
export function insert(roots: WakeupNode[], v: readonly Event[], ignore?: ReadonlySet<WakeupNode>): boolean {
  let level = roots;
  const w = v.slice();
  for (;;) {
    let next: WakeupNode | null = null;
    for (const n of level) {
      if (ignore && level === roots && ignore.has(n)) continue;
      const at = weakInitial(n.ev, w);
      if (at === NOT_INITIAL) continue;
      if (n.children.length === 0) return false;
      if (at < w.length) w.splice(at, 1);
      if (w.length === 0) return false;
      next = n;
      break;
    }
    if (next === null) {
      level.push(chain(w));
      return true;
    }
    level = next.children;
  }
}
