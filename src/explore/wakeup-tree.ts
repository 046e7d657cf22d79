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

// Most steps touch one object and have one outcome: their events are made once per actor, object
// and kind, and shared by every execution (events are values: nobody changes one), so the millions
// of steps of an exploration do not each allocate an event and its id array.
const ONE: (readonly number[])[] = [];
/** Per actor, per object id: the event of an always-enabled write, a guarded write, a read. */
const WRITES: Event[][] = [];
const GUARDED: Event[][] = [];
const READS: Event[][] = [];

function single(oid: number): readonly number[] {
  let a = ONE[oid];
  if (a === undefined) {
    a = [oid];
    ONE[oid] = a;
  }
  return a;
}

/** The shared event of a one-object step of `actor` with one outcome. */
function shared(table: Event[][], actor: number, oid: number, write: boolean, guarded: boolean): Event {
  let row = table[actor];
  if (row === undefined) {
    row = [];
    table[actor] = row;
  }
  let ev = row[oid];
  if (ev === undefined) {
    const w = write ? single(oid) : NO_OBJECTS;
    const r = write ? NO_OBJECTS : single(oid);
    ev = { actor, alt: 0, w, r, alts: 1, guarded };
    row[oid] = ev;
  }
  return ev;
}

/** The event a choice makes, from the op its actor would run. */
export function eventOf(c: Choice, op: Op): Event {
  const touches = op.touches;
  const reads = op.reads;
  const guarded = op.wait !== undefined;
  if (c.alt === 0 && op.alternatives === undefined) {
    const nr = reads === undefined ? 0 : reads.length;
    if (touches.length === 1 && nr === 0)
      return shared(guarded ? GUARDED : WRITES, c.actor, touches[0]!.oid, true, guarded);
    if (touches.length === 0 && nr === 1 && !guarded)
      return shared(READS, c.actor, reads![0]!.oid, false, false);
  }
  return {
    actor: c.actor,
    alt: c.alt,
    w: ids(touches),
    r: ids(reads),
    alts: op.alternatives ?? 1,
    guarded,
  };
}

function overlap(a: readonly number[], b: readonly number[]): boolean {
  const nb = b.length;
  if (nb === 0) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    for (let k = 0; k < nb; k++) if (b[k] === x) return true;
  }
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

const HOLDER = {} as WakeupNode;

/**
 * An empty list of wakeup nodes that holds objects already. An empty literal `[]` holds small
 * integers for V8 until a node goes in, and is of another map than a list made with nodes: the walks
 * over trees (`walk`, the search's `nextFeasible`, `copyTree`), optimized on one kind of list, were
 * thrown back to the interpreter and compiled again when they met the other (on two threads of
 * lastzero(15), walk 4 times, copyTree 3 times). Every list of nodes starts as this one.
 */
export function noNodes(): WakeupNode[] {
  const a = [HOLDER];
  a.pop();
  return a;
}

/** The list `f` makes of each node of `ns`, of the one kind of list (`noNodes`). */
export function mapNodes(ns: readonly WakeupNode[], f: (n: WakeupNode) => WakeupNode): WakeupNode[] {
  const out = noNodes();
  for (const n of ns) out.push(f(n));
  return out;
}

/**
 * A wakeup sequence planted as a branch: its nodes are made one at a time as the search (or an
 * insertion) walks down. A race plants a sequence of every step between the two racing ones, and
 * most of them wait a long while before being explored: as one array they cost a tenth of the
 * memory, and the garbage collector copies a tenth as much.
 */
class ChainNode implements WakeupNode {
  readonly ev: Event;
  private kids: WakeupNode[] | null = null;
  constructor(
    private readonly seq: readonly Event[],
    private readonly at: number,
  ) {
    this.ev = seq[at]!;
  }

  get children(): WakeupNode[] {
    if (this.kids === null) {
      const next = this.at + 1;
      const kids = noNodes();
      if (next < this.seq.length) kids.push(new ChainNode(this.seq, next));
      this.kids = kids;
    }
    return this.kids;
  }

  /** Whether its children are still to make (the rest of its sequence). */
  lazy(): boolean {
    return this.kids === null;
  }

  rest(): readonly Event[] {
    return this.at === 0 ? this.seq : this.seq.slice(this.at);
  }

  copy(): ChainNode {
    return new ChainNode(this.seq, this.at);
  }

  /** A node with its children given. */
  static of(ev: Event, children: WakeupNode[]): ChainNode {
    const n = new ChainNode([ev], 0);
    n.kids = children;
    return n;
  }
}

/**
 * A copy of a wakeup tree that a search may consume while the original stays: a branch not walked
 * yet stays a lazy chain (sharing its sequence, which nobody changes), so a copy costs the nodes
 * made so far, not the whole tree.
 */
export function copyTree(n: WakeupNode): WakeupNode {
  if (n instanceof ChainNode && n.lazy()) return n.copy();
  return ChainNode.of(n.ev, mapNodes(n.children, copyTree));
}

/** The steps of a branch not walked yet, from this node down; null when it has been. */
export function lazyChain(n: WakeupNode): readonly Event[] | null {
  return n instanceof ChainNode && n.lazy() ? n.rest() : null;
}

/** A branch of the steps `seq` (at least one), made as the search walks it. */
export function chainNode(seq: readonly Event[]): WakeupNode {
  return new ChainNode(seq, 0);
}

/** A tree as wakeup nodes: itself when it is one already, else a copy of its plain data. */
export function asWakeupNode(n: WakeupNode): WakeupNode {
  if (n instanceof ChainNode) return n;
  return ChainNode.of(n.ev, mapNodes(n.children, asWakeupNode));
}

/**
 * A wakeup tree node with the given children. Every node of every tree is of the one class, so that
 * the walks of `insert` and the search, which run millions of times, see one shape of node.
 */
export function wakeupNode(ev: Event, children: WakeupNode[]): WakeupNode {
  return ChainNode.of(ev, children);
}

/**
 * Inserts `v` into a wakeup tree unless a branch already covers it (insert[E](v, wut) of the paper).
 * Roots in `ignore` are treated as absent (another shard explores them).
 */
export function insert(roots: WakeupNode[], v: readonly Event[], ignore?: ReadonlySet<WakeupNode>): boolean {
  return walk(roots, v, ignore, true);
}

/** Whether a branch of a wakeup tree covers `v`: what `insert` finds, without inserting. */
export function covers(roots: WakeupNode[], v: readonly Event[]): boolean {
  return !walk(roots, v, undefined, false);
}

/** `insert`'s walk: true when no branch covers `v` (and then, with `add`, after adding it). */
function walk(
  roots: WakeupNode[],
  v: readonly Event[],
  ignore: ReadonlySet<WakeupNode> | undefined,
  add: boolean,
): boolean {
  let level = roots;
  const w = v.slice();
  for (;;) {
    let next: WakeupNode | null = null;
    for (const n of level) {
      if (ignore && level === roots && ignore.has(n)) continue;
      const at = weakInitial(n.ev, w);
      if (at === NOT_INITIAL) continue;
      if (n.children.length === 0) return false;
      if (at < w.length) {
        // Remove w[at] in place (splice would make an array of the removed step).
        for (let k = at; k < w.length - 1; k++) w[k] = w[k + 1]!;
        w.pop();
      }
      if (w.length === 0) return false;
      next = n;
      break;
    }
    if (next === null) {
      if (add) level.push(new ChainNode(w, 0));
      return true;
    }
    level = next.children;
  }
}
