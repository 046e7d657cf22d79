import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelOf, resolveTarget } from '../../src/api/target.js';
import { lastzero } from '../../src/benchmarks/index.js';
import { access, guarded, type Op, type SimObject } from '../../src/core/op.js';
import type { World } from '../../src/core/world.js';
import { ParallelSearch } from '../../src/explore/coordinator.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { DporStrategy } from '../../src/explore/dpor.js';
import { execute, type Model } from '../../src/explore/execute.js';
import { explore } from '../../src/explore/explore.js';
import { exploreParallel, type ParallelOptions, type UnitRunner } from '../../src/explore/parallel.js';
import type { Strategy } from '../../src/explore/strategy.js';
import { decodeResult, decodeUnit, encodeResult, encodeUnit } from '../../src/explore/unit-codec.js';
import { ownedUnit, runUnit } from '../../src/explore/unit-run.js';
import { canonicalTrace, Recorder } from '../helpers/traces.js';

// DPOR must reach every final state and verdict the naive search reaches, on random programs of
// reads, writes, locks and nondeterministic ops; optimal DPOR must run each Mazurkiewicz trace of
// a program that does not block exactly once, and never run two equivalent executions.

type Instr =
  | { readonly k: 'read'; readonly v: number }
  | { readonly k: 'write'; readonly v: number }
  | { readonly k: 'lock'; readonly l: number }
  | { readonly k: 'unlock'; readonly l: number }
  | { readonly k: 'coin'; readonly v: number };

interface Prog {
  readonly vars: number;
  readonly threads: readonly (readonly Instr[])[];
}

class Cell implements SimObject {
  value = 0;
  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

class Lock implements SimObject {
  owner = -1;
  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

const states = new WeakMap<World, () => string>();

function modelOfProg(p: Prog): Model {
  return {
    build(world) {
      const cells = Array.from({ length: p.vars }, (_, i) => new Cell(world.oid(), `x${i}`));
      const locks = Array.from({ length: 2 }, (_, i) => new Lock(world.oid(), `l${i}`));
      const regs: number[] = [];
      p.threads.forEach((instrs, t) => {
        regs[t] = 0;
        world.spawn('task', `t${t}`, 100 + t, function* () {
          for (const ins of instrs) {
            if (ins.k === 'read') {
              const c = cells[ins.v]!;
              regs[t] = (yield access(`r x${ins.v}`, { reads: [c] }, () => c.value)) as number;
            } else if (ins.k === 'write') {
              const c = cells[ins.v]!;
              yield access(`w x${ins.v}`, { writes: [c] }, () => {
                c.value = c.value * 3 + regs[t]! + t + 1;
              });
            } else if (ins.k === 'coin') {
              const c = cells[ins.v]!;
              const op: Op = {
                label: `coin x${ins.v}`,
                touches: [c],
                alternatives: 2,
                enabled: () => true,
                perform: (alt) => {
                  c.value += alt + 1;
                },
              };
              yield op;
            } else {
              const l = locks[ins.l]!;
              if (ins.k === 'lock') {
                yield guarded(
                  `lock l${ins.l}`,
                  [l],
                  { state: 'D', object: l, until: 'free', wokenBy: '', sleepFrames: [] },
                  () => l.owner < 0,
                  () => {
                    l.owner = t;
                  },
                );
              } else {
                yield access(`unlock l${ins.l}`, { writes: [l] }, () => {
                  l.owner = -1;
                });
              }
            }
          }
        });
      });
      states.set(world, () => `${cells.map((c) => c.value).join(',')}|${regs.join(',')}`);
    },
  };
}

/** Final states, verdicts and traces of the executions a strategy (or several) ran to the end. */
class Run {
  readonly outcomes = new Set<string>();
  readonly traces = new Set<string>();
  complete = 0;
  blocked = 0;
  /** Executions counted (those of another shard are not). */
  executions = 0;

  /** Runs every execution `strategy` drives, adding to the tally. */
  of(model: Model, strategy: Strategy): this {
    const rec = new Recorder(strategy);
    while (rec.beginExecution()) {
      const ex = execute(model, rec, 1000);
      rec.endExecution(ex.schedule.length);
      if (strategy.skipped) continue;
      this.executions++;
      if (ex.outcome.kind === 'pruned') {
        this.blocked++;
        continue;
      }
      this.complete++;
      this.outcomes.add(`${ex.outcome.kind}:${states.get(ex.world)?.() ?? ''}`);
      this.traces.add(canonicalTrace(rec.events));
    }
    return this;
  }
}

function runAll(model: Model, strategy: Strategy): Run {
  return new Run().of(model, strategy);
}

const instr = (vars: number, locks: boolean): fc.Arbitrary<Instr> => {
  const v = fc.integer({ min: 0, max: vars - 1 });
  const base: fc.Arbitrary<Instr>[] = [
    v.map((x) => ({ k: 'read' as const, v: x })),
    v.map((x) => ({ k: 'write' as const, v: x })),
  ];
  if (locks) base.push(fc.integer({ min: 0, max: 1 }).map((l) => ({ k: 'lock' as const, l })));
  return fc.oneof(...base);
};

/** Balances locks: a lock taken is released later in the same thread, nested; a held lock is not retaken. */
function balance(instrs: readonly Instr[]): Instr[] {
  const out: Instr[] = [];
  const held: number[] = [];
  for (const ins of instrs) {
    if (ins.k === 'lock') {
      if (held.includes(ins.l)) {
        out.push({ k: 'unlock', l: held.pop()! });
        continue;
      }
      held.push(ins.l);
    }
    out.push(ins);
  }
  while (held.length) out.push({ k: 'unlock', l: held.pop()! });
  return out;
}

const prog = (locks: boolean, coins: boolean): fc.Arbitrary<Prog> =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((vars) =>
      fc.record({
        vars: fc.constant(vars),
        threads: fc.array(
          fc
            .array(
              coins
                ? fc.oneof(instr(vars, locks), fc.constant<Instr>({ k: 'coin', v: 0 }))
                : instr(vars, locks),
              { minLength: 1, maxLength: 4 },
            )
            .map(balance),
          { minLength: 2, maxLength: 3 },
        ),
      }),
    )
    // The naive search runs every interleaving: keep it to a few thousand.
    .filter((p) => p.threads.reduce((n, t) => n + t.length, 0) <= 9);

describe('DPOR against the naive search', () => {
  it('optimal DPOR runs each Mazurkiewicz trace once on programs that do not block', () => {
    fc.assert(
      fc.property(prog(false, false), (p) => {
        const m = modelOfProg(p);
        const naive = runAll(m, new DfsStrategy(false));
        const dpor = runAll(m, new DporStrategy('optimal'));
        expect(dpor.outcomes).toEqual(naive.outcomes);
        expect(dpor.traces).toEqual(naive.traces);
        expect(dpor.complete).toBe(naive.traces.size);
        expect(dpor.blocked).toBe(0);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('source-DPOR reaches every trace, and no two of its executions are equivalent', () => {
    fc.assert(
      fc.property(prog(false, false), (p) => {
        const m = modelOfProg(p);
        const naive = runAll(m, new DfsStrategy(false));
        const src = runAll(m, new DporStrategy('source'));
        expect(src.traces).toEqual(naive.traces);
        expect(src.complete).toBe(src.traces.size);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('both reach every final state and verdict with locks and nondeterministic ops', () => {
    fc.assert(
      fc.property(prog(true, true), (p) => {
        const m = modelOfProg(p);
        const naive = runAll(m, new DfsStrategy(false));
        for (const mode of ['optimal', 'source'] as const) {
          const dpor = runAll(m, new DporStrategy(mode));
          expect(dpor.outcomes).toEqual(naive.outcomes);
          expect(dpor.traces).toEqual(naive.traces);
          expect(dpor.complete).toBe(dpor.traces.size);
        }
      }),
      { numRuns: 50, endOnFailure: true },
    );
  });
});

/** Every shard of a partitioned search, one after the other; executions of another shard are not counted. */
function runShards(model: Model, shards: number, items: number, mode: 'optimal' | 'source') {
  const run = new Run().of(model, new DporStrategy({ mode, partition: { shard: 0, shards, items } }));
  const first = run.executions;
  for (let shard = 1; shard < shards; shard++) {
    run.of(model, new DporStrategy({ mode, partition: { shard, shards, items } }));
  }
  return Object.assign(run, { others: run.executions - first });
}

describe('a DPOR search partitioned into shards', () => {
  it('the shards together reach every trace, final state and verdict', () => {
    // The property must not pass only because every search ended before its cut.
    let shared = 0;
    fc.assert(
      fc.property(
        prog(true, true),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('optimal' as const, 'source' as const),
        (p, shards, items, mode) => {
          const m = modelOfProg(p);
          const naive = runAll(m, new DfsStrategy(false));
          const split = runShards(m, shards, items, mode);
          expect(split.outcomes).toEqual(naive.outcomes);
          expect(split.traces).toEqual(naive.traces);
          if (split.others > 0) shared++;
        },
      ),
      { numRuns: 80, endOnFailure: true },
    );
    expect(shared).toBeGreaterThan(20);
  });
});

/**
 * A parallel search run in this thread, `window` units in flight; every unit's executions counted.
 * Each unit runs after a number of turns of its own (`delays`, cycled), so units run and finish in
 * an order unlike the one they were handed out in, as on threads.
 */
async function runParallel(
  model: Model,
  window: number,
  budget: number,
  mode: 'optimal' | 'source',
  delays: readonly number[] = [0],
  stopEvery = 0,
) {
  const all = new Run();
  let n = 0;
  let resumed = 0;
  let wide = 0;
  const run: UnitRunner = async (unit) => {
    const i = n++;
    if (unit.resume) resumed++;
    if (unit.split > 1) wide++;
    for (let k = delays[i % delays.length]!; k > 0; k--) await Promise.resolve();
    // Every other unit crosses as a worker thread's does, packed; the others run as this thread's,
    // on a copy of the tree they share with the coordinator.
    const packed = i % 2 === 1;
    const strategy = new DporStrategy({
      mode,
      unit: packed ? decodeUnit(encodeUnit(unit)) : ownedUnit(unit),
    });
    const before = all.executions;
    const blocked = all.blocked;
    all.of(model, strategy);
    const explore = {
      executions: all.executions - before,
      steps: 0,
      maxDepth: 0,
      cut: 0,
      pruned: all.blocked - blocked,
      unfair: 0,
    };
    const result = strategy.unitResult();
    return { explore, found: null, result: packed ? decodeResult(encodeResult(result)) : result };
  };
  // With `stopEvery`, the search stops every so many units applied, and goes on from its state
  // made JSON, as a checkpoint's.
  let calls = 0;
  const hooks = {
    shouldStop: () => (stopEvery > 0 && ++calls % stopEvery === 0 ? ('interrupted' as const) : null),
  };
  let from: ParallelOptions['from'];
  let stops = 0;
  for (;;) {
    const options = { mode, window, budget, ...(from ? { from } : {}) };
    const r = await exploreParallel(options, { maxExecutions: 1e9, maxSteps: 1000 }, run, hooks);
    if (!r.resume) {
      return Object.assign(all, {
        units: r.units,
        counted: r.executions,
        distinct: r.traces,
        resumed,
        wide,
        stops,
        stop: r.stop,
      });
    }
    stops++;
    const { executions, steps, maxDepth, cut, pruned, unfair } = r;
    from = JSON.parse(
      JSON.stringify({ search: r.resume, counts: { executions, steps, maxDepth, cut, pruned, unfair } }),
    );
  }
}

describe('parallel DPOR in a window of units', () => {
  it('reaches every trace, final state and verdict of the naive search', async () => {
    let split = 0;
    let resumed = 0;
    let wide = 0;
    let distinct = 0;
    await fc.assert(
      fc.asyncProperty(
        prog(true, true),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('optimal' as const, 'source' as const),
        fc.array(fc.nat(6), { minLength: 1, maxLength: 5 }),
        async (p, window, budget, mode, delays) => {
          const m = modelOfProg(p);
          const naive = runAll(m, new DfsStrategy(false));
          const par = await runParallel(m, window, budget, mode, delays);
          expect(par.outcomes).toEqual(naive.outcomes);
          expect(par.traces).toEqual(naive.traces);
          if (par.units > 2) split++;
          if (par.resumed > 0) resumed++;
          if (par.wide > 1) wide++;
          // Traces are counted when no reversal landed in a sibling running elsewhere: then the
          // units ran the one search's executions, and its count of distinct traces.
          if (par.distinct !== null) {
            const one = explore(m, new DporStrategy({ mode }), { maxExecutions: 1e9, maxSteps: 1000 });
            expect(par.distinct).toBe(one.traces);
            if (par.units > 2) distinct++;
          }
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
    expect(split).toBeGreaterThan(30);
    // Units that go on where an earlier one ran out of budget, below its shallowest open branch.
    expect(resumed).toBeGreaterThan(10);
    // Units handed out with nothing else pending, which hand over more of their open branches
    // (the first unit always is one).
    expect(wide).toBeGreaterThan(10);
    expect(distinct).toBeGreaterThan(10);
  });

  it('stopped and resumed from its state as JSON, again and again, it reaches every trace once counted', async () => {
    let stopped = 0;
    await fc.assert(
      fc.asyncProperty(
        prog(true, true),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('optimal' as const, 'source' as const),
        fc.integer({ min: 1, max: 4 }),
        async (p, window, budget, mode, stopEvery) => {
          const m = modelOfProg(p);
          const naive = runAll(m, new DfsStrategy(false));
          const par = await runParallel(m, window, budget, mode, [0, 2, 1], stopEvery);
          expect(par.outcomes).toEqual(naive.outcomes);
          expect(par.traces).toEqual(naive.traces);
          expect(par.stop).toBe('exhausted');
          // The units in flight at a stop are applied before the state is taken: every execution
          // run is counted, once.
          expect(par.counted).toBe(par.executions);
          if (par.stops > 1) stopped++;
        },
      ),
      { numRuns: 80, endOnFailure: true },
    );
    expect(stopped).toBeGreaterThan(20);
  });

  it('gives the same result whatever order its units finish in', async () => {
    let reordered = 0;
    await fc.assert(
      fc.asyncProperty(
        prog(true, true),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(6), { minLength: 2, maxLength: 5 }),
        async (p, window, budget, delays) => {
          const m = modelOfProg(p);
          const inOrder = await runParallel(m, window, budget, 'optimal');
          const shuffled = await runParallel(m, window, budget, 'optimal', delays);
          expect(shuffled.counted).toBe(inOrder.counted);
          expect(shuffled.complete).toBe(inOrder.complete);
          expect(shuffled.units).toBe(inOrder.units);
          expect(shuffled.traces).toEqual(inOrder.traces);
          if (inOrder.units > window && new Set(delays).size > 1) reordered++;
        },
      ),
      { numRuns: 80, endOnFailure: true },
    );
    expect(reordered).toBeGreaterThan(10);
  });

  it('forgets what no unit will consult again: what it keeps stays small and ends empty', () => {
    const b = lastzero(9);
    const search = new ParallelSearch('optimal', 4);
    let handedOut = 0;
    let most = 0;
    for (let units = search.take(4, []); units.length > 0; units = search.take(4, [])) {
      for (const u of units) search.apply(u, runUnit(b.model, 'optimal', u, { maxSteps: 1000 }).result);
      handedOut += units.length;
      most = Math.max(most, search.kept().handed);
    }
    expect(handedOut).toBeGreaterThan(200);
    expect(most).toBeLessThan(handedOut / 4);
    expect(search.kept()).toEqual({ branches: 0, handed: 0 });
  });

  it('hands out small units first, then twice as large each time up to its budget', () => {
    const b = lastzero(9);
    const search = new ParallelSearch('optimal', 100);
    const budgets: number[] = [];
    for (let units = search.take(4, []); units.length > 0; units = search.take(4, [])) {
      for (const u of units) {
        budgets.push(u.budget);
        search.apply(u, runUnit(b.model, 'optimal', u, { maxSteps: 1000 }).result);
      }
    }
    // The first unit alone splits the search: with 100 executions, another thread would wait.
    expect(budgets.slice(0, 6)).toEqual([8, 16, 32, 64, 100, 100]);
    expect(new Set(budgets.slice(4))).toEqual(new Set([100]));
  });

  it('with a window of one unit and a budget of one, it is the one search: each trace once', async () => {
    await fc.assert(
      fc.asyncProperty(prog(false, false), async (p) => {
        const m = modelOfProg(p);
        const one = runAll(m, new DporStrategy('optimal'));
        const par = await runParallel(m, 1, 1, 'optimal');
        expect(par.traces).toEqual(one.traces);
        expect(par.complete).toBe(one.complete);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });
});

describe('DPOR on the kernel model', () => {
  const cases: [string, string, [string, string][]][] = [
    ['falloc-dio', 'v6.6', []],
    ['falloc-dio', 'v6.6', [['loops', '2']]],
    ['falloc-dio', 'v6.6', [['fs', 'ext4']]],
    ['falloc-dio', 'v6.6', [['ring', 'defer']]],
    ['reap-then-falloc', 'v6.6-rc7', []],
    ['pwrite-falloc', 'v6.6', []],
    [
      'pwrite-falloc',
      'v6.6',
      [
        ['threads', 'other'],
        ['fs', 'ext4'],
      ],
    ],
  ];
  for (const [s, v, params] of cases) {
    const label = `${s}${params.map(([k, x]) => ` ${k}=${x}`).join('')} @${v}`;
    it(`${label}: no more executions than the sleep-set DFS, every trace of it`, () => {
      const m = modelOf(resolveTarget(s, v, [], params));
      const dfs = runAll(m, new DfsStrategy());
      const dpor = runAll(m, new DporStrategy());
      expect(dpor.complete).toBeLessThanOrEqual(dfs.complete);
      expect(dpor.traces).toEqual(dfs.traces);
    });
  }

  it('finds the seed deadlock with the same first counterexample as the DFS', () => {
    const m = modelOf(resolveTarget('falloc-dio', 'v6.6-rc7'));
    const dfs = explore(m, new DfsStrategy(), { maxExecutions: 100, maxSteps: 10_000 });
    const dpor = explore(m, new DporStrategy(), { maxExecutions: 100, maxSteps: 10_000 });
    expect(dpor.found?.outcome.kind).toBe('deadlock');
    expect(dpor.found?.schedule).toEqual(dfs.found?.schedule);
  });
});
