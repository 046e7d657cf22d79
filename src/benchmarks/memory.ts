import { access, type Op, type Program, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';

// Shared memory of the benchmark programs: plain integer variables read and written by separate
// steps, as the C benchmarks do, so that two reads of one variable commute.

/** One shared integer variable (`array[3]`, `table[17]`). */
export class Var implements SimObject {
  constructor(
    readonly oid: number,
    readonly name: string,
    public value = 0,
  ) {}
}

/** `n` shared variables named `name[0]`..`name[n-1]`, with deterministic ids. */
/** Element names, made once per array name and size: every execution rebuilds the variables. */
const NAMES = new Map<string, string[]>();

export function vars(world: World, name: string, n: number): Var[] {
  let names = NAMES.get(name);
  if (!names || names.length < n) {
    names = Array.from({ length: n }, (_, i) => `${name}[${i}]`);
    NAMES.set(name, names);
  }
  const out: Var[] = [];
  for (let i = 0; i < n; i++) out.push(new Var(world.oid(), names[i]!));
  return out;
}

const always = (): boolean => true;
const NO_READS: readonly SimObject[] = [];

/**
 * A compare-and-swap as one op, for hot loops (`(yield casOp(v, 0, w)) as boolean`): it writes `v`
 * whether or not it succeeds, since a step's footprint is known before it runs.
 */
export function casOp(v: Var, expect: number, x: number): Op<boolean> {
  return {
    label: `cas(${v.name}, ${expect}, ${x})`,
    touches: [v],
    reads: NO_READS,
    enabled: always,
    perform: () => {
      if (v.value !== expect) return false;
      v.value = x;
      return true;
    },
  };
}

/** `return v;`: a step that only reads `v`. */
export function load(v: Var): Program<number> {
  return run(access(`load ${v.name}`, { reads: [v] }, () => v.value));
}

/** `v = x;`: a step that only writes `v`. */
export function store(v: Var, x: number): Program<void> {
  return run(
    access(`${v.name} = ${x}`, { writes: [v] }, () => {
      v.value = x;
    }),
  );
}

/**
 * `cas(&v, expect, x)`: one atomic step that compares and, when equal, swaps. Its footprint must
 * be known before it runs, and a successful CAS writes, so every CAS counts as a write of `v`.
 */
export function cas(v: Var, expect: number, x: number): Program<boolean> {
  return run(casOp(v, expect, x));
}

/** The values of `vs` as `name=value` pairs, for a final state. */
export function printVars(vs: readonly Var[]): string {
  return vs.map((v) => `${v.name}=${v.value}`).join(' ');
}
