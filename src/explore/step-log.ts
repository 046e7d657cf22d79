import type { Event } from './wakeup-tree.js';

// The happens-before relation of one execution's steps, as DPOR asks for it after every step.
// Everything lives in flat typed arrays that are reused from one execution to the next: an
// exploration runs millions of steps, and a clock array or a Map entry per step is most of its
// garbage. The next execution replays a prefix of this one, so the log keeps that prefix and undoes
// only the steps after it (loom's `vv.rs` keeps one clock per thread; here a clock per step, since
// DPOR asks whether any two steps are ordered).

const NONE = -1;

type Ints = Int32Array<ArrayBuffer>;

function grown(a: Ints, need: number, fill = 0): Ints {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/**
 * The steps of the current execution with their vector clocks, the last write and the reads of every
 * object, and an undo log to go back to any earlier step.
 */
export class StepLog {
  /** The recorded steps, in order: the first `size` entries (the rest are stale). */
  private readonly events: Event[] = [];
  /** Number of steps recorded. */
  size = 0;
  /** Vector clocks, one row of `width` entries per step: entry a counts actor a's steps before it. */
  private clocks = new Int32Array(1024);
  private width = 8;
  /** Per step: how many steps its actor has run up to and including it. */
  private local = new Int32Array(256);
  /** Per step: the previous step of its actor, or NONE. */
  private prevOf = new Int32Array(256);
  /** Per actor: its last step, or NONE. */
  private lastOf = new Int32Array(64).fill(NONE);
  /** Per object id: the last step that wrote it, or NONE. */
  private lastWrite = new Int32Array(256).fill(NONE);
  /** Per object id: the newest entry of its read list, or NONE. */
  private lastRead = new Int32Array(256).fill(NONE);
  /** Read entries (a step that read an object), each linked to the object's previous read. */
  private readStep = new Int32Array(256);
  private readObj = new Int32Array(256);
  private readPrev = new Int32Array(256);
  private reads = 0;
  /** Undo log of `lastWrite`: the object and the value it had. */
  private undoObj = new Int32Array(256);
  private undoOld = new Int32Array(256);
  private undos = 0;
  /** Per step: `reads` and `undos` before it, to undo back to it. */
  private readMark = new Int32Array(256);
  private undoMark = new Int32Array(256);
  /** Steps the last step pushed conflicts with (its last writers and, for a write, the reads since). */
  candidates = new Int32Array(64);
  /** How many entries of `candidates` are set. */
  conflicts = 0;
  /** Earlier steps that touch an object of the last step `conflicting` was asked about, newest first. */
  history = new Int32Array(64);
  /** Per step: the stamp of the last `candidates` it is in, to keep them distinct. */
  private seen = new Int32Array(256);
  private stamp = 0;

  /** Step `i`. */
  event(i: number): Event {
    return this.events[i]!;
  }

  /** Whether step `i` happens before step `k`. */
  hb(i: number, k: number): boolean {
    return this.clocks[k * this.width + this.events[i]!.actor]! >= this.local[i]!;
  }

  /** The previous step of step `j`'s actor, or -1. */
  prev(j: number): number {
    return this.prevOf[j]!;
  }

  /** Forgets the steps from `j` on. */
  truncate(j: number): void {
    const events = this.events;
    if (j >= this.size) return;
    const um = this.undoMark[j]!;
    for (let u = this.undos - 1; u >= um; u--) this.lastWrite[this.undoObj[u]!] = this.undoOld[u]!;
    this.undos = um;
    const rm = this.readMark[j]!;
    for (let e = this.reads - 1; e >= rm; e--) this.lastRead[this.readObj[e]!] = this.readPrev[e]!;
    this.reads = rm;
    for (let k = this.size - 1; k >= j; k--) this.lastOf[events[k]!.actor] = this.prevOf[k]!;
    this.size = j;
  }

  /** Appends a step: its clock from its actor's previous step and the steps in `candidates`. */
  push(ev: Event): void {
    const j = this.size;
    this.reserve(j, ev);
    this.collect(ev);
    const w = this.width;
    const clocks = this.clocks;
    const row = j * w;
    const prev = this.lastOf[ev.actor]!;
    if (prev >= 0) clocks.copyWithin(row, prev * w, prev * w + w);
    else clocks.fill(0, row, row + w);
    const cs = this.candidates;
    for (let i = 0, nc = this.conflicts; i < nc; i++) {
      const from = cs[i]! * w;
      for (let a = 0; a < w; a++) {
        const x = clocks[from + a]!;
        if (clocks[row + a]! < x) clocks[row + a] = x;
      }
    }
    const n = prev >= 0 ? this.local[prev]! + 1 : 1;
    clocks[row + ev.actor] = n;
    this.local[j] = n;
    this.prevOf[j] = prev;
    this.lastOf[ev.actor] = j;
    if (j < this.events.length) this.events[j] = ev;
    else this.events.push(ev);
    this.size = j + 1;
    this.readMark[j] = this.reads;
    this.undoMark[j] = this.undos;
    for (const o of ev.w) {
      this.undoObj[this.undos] = o;
      this.undoOld[this.undos++] = this.lastWrite[o]!;
      this.lastWrite[o] = j;
    }
    for (const o of ev.r) {
      const e = this.reads++;
      this.readStep[e] = j;
      this.readObj[e] = o;
      this.readPrev[e] = this.lastRead[o]!;
      this.lastRead[o] = e;
    }
  }

  /**
   * The earlier steps `ev` conflicts with, in the order DPOR schedules their races: per written
   * object its last write then the reads since (oldest first), then per read object its last write.
   */
  private collect(ev: Event): void {
    const stamp = this.nextStamp();
    const seen = this.seen;
    let n = 0;
    for (const o of ev.w) {
      const lw = this.lastWrite[o]!;
      if (lw >= 0 && seen[lw] !== stamp) {
        seen[lw] = stamp;
        n = this.add(n, lw);
      }
      const from = n;
      for (let e = this.lastRead[o]!; e >= 0 && this.readStep[e]! > lw; e = this.readPrev[e]!) {
        const s = this.readStep[e]!;
        if (seen[s] === stamp) continue;
        seen[s] = stamp;
        n = this.add(n, s);
      }
      // Read newest first; DPOR takes them oldest first.
      const cs = this.candidates;
      for (let x = from, y = n - 1; x < y; x++, y--) {
        const t = cs[x]!;
        cs[x] = cs[y]!;
        cs[y] = t;
      }
    }
    for (const o of ev.r) {
      const lw = this.lastWrite[o]!;
      if (lw >= 0 && seen[lw] !== stamp) {
        seen[lw] = stamp;
        n = this.add(n, lw);
      }
    }
    this.conflicts = n;
  }

  /** Sets candidate `n` to step `s`; returns the new count. */
  private add(n: number, s: number): number {
    if (n === this.candidates.length) this.candidates = grown(this.candidates, n + 1);
    this.candidates[n] = s;
    return n + 1;
  }

  /**
   * Fills `history` with every step before `j` that writes an object `ev` touches or reads, or
   * reads an object it writes (a conflict through objects), newest first; returns how many.
   */
  conflicting(ev: Event, j: number): number {
    const stamp = this.nextStamp();
    let n = 0;
    for (const o of ev.w) {
      n = this.writers(o, j, stamp, n);
      for (let e = this.lastRead[o]!; e >= 0; e = this.readPrev[e]!)
        n = this.keep(this.readStep[e]!, j, stamp, n);
    }
    for (const o of ev.r) n = this.writers(o, j, stamp, n);
    if (n > 1) this.history.subarray(0, n).sort().reverse();
    return n;
  }

  /** Adds every write of `o` before step `j` to `history`. */
  private writers(o: number, j: number, stamp: number, n: number): number {
    let m = n;
    for (let s = this.lastWrite[o]!; s >= 0; ) {
      m = this.keep(s, j, stamp, m);
      // The write's undo entry holds the previous writer of `o`.
      let u = this.undoMark[s]!;
      while (this.undoObj[u] !== o) u++;
      s = this.undoOld[u]!;
    }
    return m;
  }

  /** Adds step `s` to `history` when it is before `j` and not there yet. */
  private keep(s: number, j: number, stamp: number, n: number): number {
    if (s >= j || this.seen[s] === stamp) return n;
    this.seen[s] = stamp;
    if (n === this.history.length) this.history = grown(this.history, n + 1);
    this.history[n] = s;
    return n + 1;
  }

  /** A fresh stamp for `seen`. */
  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** Room for step `j` and the objects and actor of `ev`. */
  private reserve(j: number, ev: Event): void {
    if (ev.actor >= this.width) this.widen(ev.actor + 1);
    if (j >= this.local.length) {
      const n = j + 1;
      this.local = grown(this.local, n);
      this.prevOf = grown(this.prevOf, n);
      this.readMark = grown(this.readMark, n);
      this.undoMark = grown(this.undoMark, n);
      this.seen = grown(this.seen, n);
    }
    if ((j + 1) * this.width > this.clocks.length) this.clocks = grown(this.clocks, (j + 1) * this.width);
    if (ev.actor >= this.lastOf.length) this.lastOf = grown(this.lastOf, ev.actor + 1, NONE);
    const w = ev.w;
    const r = ev.r;
    let top = -1;
    for (let i = 0; i < w.length; i++) if (w[i]! > top) top = w[i]!;
    for (let i = 0; i < r.length; i++) if (r[i]! > top) top = r[i]!;
    if (top >= this.lastWrite.length) {
      this.lastWrite = grown(this.lastWrite, top + 1, NONE);
      this.lastRead = grown(this.lastRead, top + 1, NONE);
    }
    if (this.undos + w.length > this.undoObj.length) {
      this.undoObj = grown(this.undoObj, this.undos + w.length);
      this.undoOld = grown(this.undoOld, this.undos + w.length);
    }
    if (this.reads + r.length > this.readStep.length) {
      const n = this.reads + r.length;
      this.readStep = grown(this.readStep, n);
      this.readObj = grown(this.readObj, n);
      this.readPrev = grown(this.readPrev, n);
    }
  }

  /** Rows of at least `n` actors: moves every recorded clock to the new width. */
  private widen(n: number): void {
    let w = this.width * 2;
    while (w < n) w *= 2;
    const old = this.width;
    const next = new Int32Array(Math.max(this.clocks.length, (this.size + 1) * w));
    for (let k = 0; k < this.size; k++) next.set(this.clocks.subarray(k * old, k * old + old), k * w);
    this.clocks = next;
    this.width = w;
  }
}
