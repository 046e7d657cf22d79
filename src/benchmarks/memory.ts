import type { Op, Program, SimObject } from '../core/op.js';
import type { World } from '../core/world.js';

// Shared memory of the benchmark programs: plain integer variables read and written by separate
// steps, as the C benchmarks do, so that two reads of one variable commute.

/** One shared integer variable (`array[3]`, `table[17]`). */
export class Var implements SimObject {
  private one: readonly Var[] | null = null;
  constructor(
    readonly oid: number,
    readonly name: string,
    public value = 0,
  ) {}

  /** `[this]`, made once: the footprint of every step on this variable. */
  get alone(): readonly Var[] {
    if (this.one === null) this.one = [this];
    return this.one;
  }
}

/** Element names, made once per array name and size: every execution rebuilds the variables. */
const NAMES = new Map<string, string[]>();

/** `name[0]`..`name[n-1]` (at least), made once per name. */
export function elementNames(name: string, n: number): readonly string[] {
  let names = NAMES.get(name);
  if (!names || names.length < n) {
    names = Array.from({ length: n }, (_, i) => `${name}[${i}]`);
    NAMES.set(name, names);
  }
  return names;
}

/** `n` shared variables named `name[0]`..`name[n-1]`, with deterministic ids. */
export function vars(world: World, name: string, n: number): Var[] {
  const names = elementNames(name, n);
  const out: Var[] = [];
  for (let i = 0; i < n; i++) out.push(new Var(world.oid(), names[i]!));
  return out;
}

const NO_OBJECTS: readonly SimObject[] = [];
const LOAD = 0;
const STORE = 1;
const CAS = 2;

/**
 * A step of the benchmark programs on one variable: a load, a store or a compare-and-swap. One
 * class for all three, so that the engine's property loads see one shape of op, with no closure per
 * step; the label is made only when a trace asks for it.
 */
class MemOp<R> implements Op<R> {
  readonly touches: readonly SimObject[];
  readonly reads: readonly SimObject[];
  constructor(
    private readonly kind: number,
    private readonly v: Var,
    private readonly x: number,
    private readonly expect: number,
  ) {
    this.touches = kind === LOAD ? NO_OBJECTS : v.alone;
    this.reads = kind === LOAD ? v.alone : NO_OBJECTS;
  }

  get label(): string {
    const name = this.v.name;
    if (this.kind === LOAD) return `load ${name}`;
    if (this.kind === STORE) return `${name} = ${this.x}`;
    return `cas(${name}, ${this.expect}, ${this.x})`;
  }

  enabled(): boolean {
    return true;
  }

  perform(): R {
    const v = this.v;
    if (this.kind === LOAD) return v.value as R;
    if (this.kind === STORE) {
      v.value = this.x;
      return undefined as R;
    }
    if (v.value !== this.expect) return false as R;
    v.value = this.x;
    return true as R;
  }
}

/** `return v;` as one op, for hot loops (`(yield loadOp(v)) as number`): it only reads `v`. */
export function loadOp(v: Var): Op<number> {
  return new MemOp<number>(LOAD, v, 0, 0);
}

/** `v = x;` as one op: it only writes `v`. */
export function storeOp(v: Var, x: number): Op<void> {
  return new MemOp<void>(STORE, v, x, 0);
}

/**
 * A compare-and-swap as one op, for hot loops (`(yield casOp(v, 0, w)) as boolean`): it writes `v`
 * whether or not it succeeds, since a step's footprint is known before it runs.
 */
export function casOp(v: Var, expect: number, x: number): Op<boolean> {
  return new MemOp<boolean>(CAS, v, x, expect);
}

/** `return v;`: a step that only reads `v`. */
export function* load(v: Var): Program<number> {
  return (yield loadOp(v)) as number;
}

/** `v = x;`: a step that only writes `v`. */
export function* store(v: Var, x: number): Program<void> {
  yield storeOp(v, x);
}

/**
 * `cas(&v, expect, x)`: one atomic step that compares and, when equal, swaps. Its footprint must
 * be known before it runs, and a successful CAS writes, so every CAS counts as a write of `v`.
 */
export function* cas(v: Var, expect: number, x: number): Program<boolean> {
  return (yield casOp(v, expect, x)) as boolean;
}

/** The values of `vs` as `name=value` pairs, for a final state. */
export function printVars(vs: readonly Var[]): string {
  return vs.map((v) => `${v.name}=${v.value}`).join(' ');
}
