import type { LockHold, TraceDocument } from '../trace/types.js';

/** Width of the lane labels on the left. */
export const LABEL_W = 180;
/** Height of the step-number axis on top. */
export const AXIS_H = 26;
/** Room right of the last step, where waits that never end run on. */
export const TAIL_W = 190;
/** Height of one row of lock-hold bars. */
export const LOCK_ROW = 11;

/** Where everything of the swimlanes goes. */
export interface Geometry {
  /** Width of one step column. */
  readonly col: number;
  readonly width: number;
  readonly height: number;
  /** Steps in the trace. */
  readonly n: number;
  /** Top of each lane, by actor id. */
  readonly top: readonly number[];
  /** Height of each lane, by actor id. */
  readonly laneH: readonly number[];
  /** Row of each lock hold within its lane (same order as `doc.locks`). */
  readonly lockRow: readonly number[];
}

/** The x of the state after step `k` (0: before the first step). */
export function xAt(g: Geometry, k: number): number {
  return LABEL_W + (k + 0.5) * g.col;
}

/** The x where an interval that never ends stops. */
export function xEnd(g: Geometry): number {
  return g.width - 12;
}

/** The y of an actor's activity line. */
export function yLine(g: Geometry, actor: number): number {
  return (g.top[actor] ?? 0) + 22;
}

/** Packs each actor's lock holds into rows so that overlapping holds do not collide. */
function packLocks(locks: readonly LockHold[], n: number): { row: number[]; rows: Map<number, number> } {
  const ends = new Map<number, number[]>();
  const row: number[] = [];
  for (const h of locks) {
    const lanes = ends.get(h.actor) ?? [];
    const end = h.to ?? n + 1;
    let r = lanes.findIndex((e) => e <= h.from);
    if (r < 0) r = lanes.length;
    lanes[r] = end;
    ends.set(h.actor, lanes);
    row.push(r);
  }
  return { row, rows: new Map([...ends].map(([a, l]) => [a, l.length])) };
}

/** The width the lanes get on a 1280-pixel screen. */
const FIT_W = 1200;

/** Lays out the swimlanes of a trace: fits 1280 px up to ~40 steps, scrolls sideways beyond. */
export function layout(doc: TraceDocument): Geometry {
  const n = doc.steps.length;
  const col = Math.max(20, Math.min(48, Math.floor((FIT_W - LABEL_W - TAIL_W) / (n + 1))));
  const { row, rows } = packLocks(doc.locks, n);
  const top: number[] = [];
  const laneH: number[] = [];
  let y = AXIS_H;
  for (const a of doc.actors) {
    const h = Math.max(50, 40 + (rows.get(a.id) ?? 0) * LOCK_ROW);
    top.push(y);
    laneH.push(h);
    y += h;
  }
  return { col, width: LABEL_W + (n + 1) * col + TAIL_W, height: y + 8, n, top, laneH, lockRow: row };
}
