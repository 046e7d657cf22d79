import type { Choice } from '../core/schedule.js';
import {
  type BranchData,
  isKept,
  type NodeData,
  type Planting,
  type Resume,
  type Unit,
  type UnitResult,
} from './dpor-data.js';
import { chainNode, type Event, lazyChain, noNodes, type WakeupNode, wakeupNode } from './wakeup-tree.js';

const NODE = 0;
const FOREIGN = 1;
const CHAIN = 2;

const NONE = 0;
const DATA = 1;
const KEPT = 2;

// The units of a parallel search and what they hand back, packed into one Int32Array to cross
// threads. A unit of lastzero(14) holds some 4,000 event references in wakeup trees, sleep sets and
// reversals; as an object graph, the structured clone of postMessage copies each object on both
// sides and cost more than the unit's own run. Packed, the buffer is moved (transferred), and an
// event shared by many steps is written once: its place in the message's event table stands for it.

/** A growable buffer of 32-bit integers, with a table of the events written so far. */
class Writer {
  buf = new Int32Array(1024);
  n = 0;
  private readonly events = new Map<Event, number>();
  private readonly table: number[] = [];

  int(x: number): void {
    if (this.n === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = x;
  }

  event(e: Event): void {
    let i = this.events.get(e);
    if (i === undefined) {
      i = this.events.size;
      this.events.set(e, i);
      const t = this.table;
      t.push(e.actor, e.alt, e.alts, e.guarded ? 1 : 0, e.w.length, ...e.w, e.r.length, ...e.r);
    }
    this.int(i);
  }

  eventList(es: readonly Event[]): void {
    this.int(es.length);
    for (const e of es) this.event(e);
  }

  choices(cs: readonly Choice[]): void {
    this.int(cs.length);
    for (const c of cs) {
      this.int(c.actor);
      this.int(c.alt);
    }
  }

  /**
   * A wakeup forest in preorder: its size, then per node a tag and either its event and forest
   * (NODE, FOREIGN) or, for a branch not walked yet, its steps (CHAIN): a reversal planted as one
   * sequence crosses as one, without making its nodes.
   */
  forest(ns: readonly (WakeupNode | NodeData)[]): void {
    this.int(ns.length);
    for (const x of ns) {
      const chain = lazyChain(x);
      if (chain) {
        this.int(CHAIN);
        this.eventList(chain);
        continue;
      }
      this.int('foreign' in x && x.foreign ? FOREIGN : NODE);
      this.event(x.ev);
      this.forest(x.children);
    }
  }

  branch(b: BranchData): void {
    this.eventList(b.sleep);
    this.forest(b.wut);
    this.event(b.current);
    this.forest(b.sub);
    this.choices(b.enabled);
    this.int(b.preemptions);
    this.int(b.depth);
    this.int(b.arrived);
  }

  branches(bs: readonly BranchData[]): void {
    this.int(bs.length);
    for (const b of bs) this.branch(b);
  }

  /** Branches to resume: none, as data, or where a thread keeps them. */
  resume(r: Resume | null): void {
    if (r === null) {
      this.int(NONE);
    } else if (isKept(r)) {
      this.int(KEPT);
      this.int(r.thread);
      this.int(r.token);
    } else {
      this.int(DATA);
      this.branches(r);
    }
  }

  /** The message: the event table's length and entries, then the body. */
  done(): Int32Array<ArrayBuffer> {
    const out = new Int32Array(1 + this.table.length + this.n);
    out[0] = this.table.length;
    out.set(this.table, 1);
    out.set(this.buf.subarray(0, this.n), 1 + this.table.length);
    return out;
  }
}

class Reader {
  private readonly table: Event[] = [];
  private at: number;

  constructor(private readonly buf: Int32Array) {
    const end = 1 + buf[0]!;
    let i = 1;
    while (i < end) {
      const actor = buf[i++]!;
      const alt = buf[i++]!;
      const alts = buf[i++]!;
      const guarded = buf[i++] === 1;
      const nw = buf[i++]!;
      const w = Array.from(buf.subarray(i, i + nw));
      i += nw;
      const nr = buf[i++]!;
      const r = Array.from(buf.subarray(i, i + nr));
      i += nr;
      this.table.push({ actor, alt, w, r, alts, guarded });
    }
    this.at = end;
  }

  int(): number {
    return this.buf[this.at++]!;
  }

  event(): Event {
    return this.table[this.int()]!;
  }

  // Arrays are made by push, not `new Array(n)` (holey): the search's own arrays are packed, and
  // code that sees both kinds is compiled again for the second. An array that grew by push keeps
  // spare slots (17 for one element); the lists and forests that live as long as a unit runs are
  // copied to their length (`slice`), which on lastzero(15) cuts the bytes the decoded messages get
  // promoted with by a quarter.
  events(): Event[] {
    const n = this.int();
    const out: Event[] = [];
    for (let i = 0; i < n; i++) out.push(this.event());
    return n > 0 ? out.slice() : out;
  }

  choices(): Choice[] {
    const n = this.int();
    const out: Choice[] = [];
    for (let i = 0; i < n; i++) out.push({ actor: this.int(), alt: this.int() });
    return out;
  }

  branch(): BranchData {
    return {
      sleep: this.events(),
      wut: this.forest(),
      current: this.event(),
      sub: this.forest(),
      enabled: this.choices(),
      preemptions: this.int(),
      depth: this.int(),
      arrived: this.int(),
    };
  }

  branches(): BranchData[] {
    const out: BranchData[] = [];
    for (let i = this.int(); i > 0; i--) out.push(this.branch());
    return out;
  }

  resume(): Resume | null {
    const tag = this.int();
    if (tag === NONE) return null;
    if (tag === KEPT) return { thread: this.int(), token: this.int() };
    return this.branches();
  }

  forest(): NodeData[] {
    const n = this.int();
    const out: NodeData[] = noNodes();
    for (let i = 0; i < n; i++) {
      const tag = this.int();
      if (tag === CHAIN) {
        out.push(chainNode(this.events()));
        continue;
      }
      const ev = this.event();
      const children = this.forest();
      out.push(tag === FOREIGN ? { ev, children, foreign: true } : wakeupNode(ev, children));
    }
    return n > 0 ? out.slice() : out;
  }
}

/** A unit as one buffer (its coordinator key stays behind: a worker does not need it). */
export function encodeUnit(u: Unit): Int32Array<ArrayBuffer> {
  const w = new Writer();
  w.choices(u.prefix);
  w.int(u.item ? 1 : 0);
  if (u.item) w.forest([u.item]);
  w.eventList(u.sleep);
  w.int(u.above.length);
  for (const a of u.above) w.eventList(a);
  w.int(u.budget);
  w.int(u.split);
  w.resume(u.resume ?? null);
  return w.done();
}

export function decodeUnit(buf: Int32Array): Unit {
  const r = new Reader(buf);
  const prefix = r.choices();
  const item = r.int() === 1 ? r.forest()[0]! : null;
  const sleep = r.events();
  const n = r.int();
  const above: Event[][] = [];
  for (let i = 0; i < n; i++) above.push(r.events());
  const budget = r.int();
  const split = r.int();
  const resume = r.resume();
  return { prefix, item, sleep, above, budget, split, resume: resume ?? undefined };
}

/** What a unit hands back, as one buffer. */
export function encodeResult(res: UnitResult): Int32Array<ArrayBuffer> {
  const w = new Writer();
  w.int(res.plantings.length);
  for (const p of res.plantings) {
    w.int(p.depth);
    w.eventList(p.v);
  }
  w.branches(res.branches);
  w.resume(res.below);
  return w.done();
}

export function decodeResult(buf: Int32Array): UnitResult {
  const r = new Reader(buf);
  const plantings: Planting[] = [];
  for (let i = r.int(); i > 0; i--) plantings.push({ depth: r.int(), v: r.events() });
  return { plantings, branches: r.branches(), below: r.resume() };
}

/** Branches a thread kept, given up as data (for a checkpoint of a parallel search). */
export function encodeBranches(bs: readonly BranchData[]): Int32Array<ArrayBuffer> {
  const w = new Writer();
  w.branches(bs);
  return w.done();
}

/** The branches `encodeBranches` packed. */
export function decodeBranches(buf: Int32Array): BranchData[] {
  return new Reader(buf).branches();
}
