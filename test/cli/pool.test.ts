import { beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/benchmarks/index.js';
import { DporStrategy } from '../../src/explore/dpor.js';
import { isKept, type Unit, type UnitResult } from '../../src/explore/dpor-data.js';
import { explore } from '../../src/explore/explore.js';
import type { ParallelResult, UnitRunner } from '../../src/explore/parallel.js';
import { ensureBuilt, ROOT } from '../helpers/cli.js';

// Issue 4, item 6: the threads of `check --workers` (src/cli/pool.ts). The pool starts its workers
// from the built dpor-worker.js, so the pool under test is the built one.

beforeAll(() => ensureBuilt(), 120_000);

const LIMITS = { maxExecutions: 1e9, maxSteps: 10_000 };

/** A parallel search of a benchmark on `threads` threads, and where the continuations ran. */
async function onThreads(name: 'lastzero' | 'indexer', args: number[], threads: number, budget: number) {
  const { UnitPool } = await import(`${ROOT}dist/cli/pool.js`);
  const { exploreParallel } = await import(`${ROOT}dist/explore/parallel.js`);
  const model = (BENCHMARKS[name] as (...a: number[]) => { model: unknown })(...args).model;
  let models = 0;
  const pool = new UnitPool(
    threads,
    { source: { kind: 'benchmark', name, args }, mode: 'optimal', maxSteps: 10_000 },
    () => {
      models++;
      return model;
    },
  );
  const kept = new Set<number>();
  let inline = 0;
  const run: UnitRunner = (unit) => {
    const r = unit.resume;
    if (r !== undefined && isKept(r)) kept.add(r.thread);
    else if (r !== undefined) inline++;
    return pool.run(unit);
  };
  try {
    // Workers get units once loaded: waiting for them, every thread runs some of a small search.
    await pool.loaded();
    const result: ParallelResult = await exploreParallel({ window: 4 * threads, budget }, LIMITS, run);
    return { result, kept, inline, models };
  } finally {
    await pool.close();
  }
}

describe('the threads of a parallel search', () => {
  it('a continuation runs where its branches are kept: the executions of one search, on every thread', async () => {
    const one = explore(BENCHMARKS.lastzero(7).model, new DporStrategy(), LIMITS);
    const a = await onThreads('lastzero', [7], 3, 16);
    expect(a.result.stop).toBe('exhausted');
    expect(a.result.executions).toBe(one.executions);
    // Continuations resumed branches kept by this thread (0) and by workers; none crossed as data.
    expect(a.kept.has(0)).toBe(true);
    expect([...a.kept].some((t) => t !== 0)).toBe(true);
    expect(a.inline).toBe(0);
    // This thread made a model for each unit it ran (lockdep's state is a unit's own).
    expect(a.models).toBeGreaterThan(1);
    expect(a.models).toBeLessThan(a.result.units);
    // Which thread ran what does not change what was handed out.
    const b = await onThreads('lastzero', [7], 3, 16);
    expect(b.result.units).toBe(a.result.units);
    expect(b.result.extensions).toBe(a.result.extensions);
  }, 60_000);

  it('branches are kept once, by the thread that made them', async () => {
    const { KeptBranches } = await import(`${ROOT}dist/cli/pool.js`);
    const here = new KeptBranches(0);
    const branch = {
      sleep: [],
      wut: [],
      current: null,
      sub: [],
      enabled: [],
      preemptions: 0,
      depth: 3,
      arrived: 0,
    };
    const res = here.keep({ plantings: [], branches: [], below: [branch] } as unknown as UnitResult);
    expect(res.below).toEqual({ thread: 0, token: 0 });
    const unit = {
      prefix: [],
      item: null,
      sleep: [],
      above: [],
      budget: 1,
      split: 1,
      resume: res.below,
    } as Unit;
    expect(() => new KeptBranches(5).take(unit)).toThrow(/does not keep/);
    expect(here.take(unit).resume).toEqual([branch]);
    expect(() => here.take(unit)).toThrow(/does not keep/);
    // Nothing below the cut: nothing kept.
    const none = { plantings: [], branches: [], below: null } as UnitResult;
    expect(here.keep(none)).toBe(none);
  });

  it('a search stopped early saves the branches its threads keep, and resumes to one search', async () => {
    const { UnitPool } = await import(`${ROOT}dist/cli/pool.js`);
    const { exploreParallel } = await import(`${ROOT}dist/explore/parallel.js`);
    const one = explore(BENCHMARKS.lastzero(7).model, new DporStrategy(), LIMITS);
    const released: number[] = [];
    let from: { search: unknown; counts: unknown } | undefined;
    let stops = 0;
    let calls = 0;
    for (;;) {
      // A fresh pool each time, as a resumed `check --workers` has.
      const pool = new UnitPool(
        3,
        { source: { kind: 'benchmark', name: 'lastzero', args: [7] }, mode: 'optimal', maxSteps: 10_000 },
        () => BENCHMARKS.lastzero(7).model,
      );
      const release = (k: { thread: number; token: number }) => {
        released.push(k.thread);
        return pool.release(k);
      };
      await pool.loaded();
      const options = { window: 12, budget: 16, release, ...(from ? { from } : {}) };
      const stop = { shouldStop: () => (++calls % 7 === 0 ? 'interrupted' : null) };
      let r: ParallelResult;
      try {
        r = await exploreParallel(options, LIMITS, pool.run, stop);
      } finally {
        await pool.close();
      }
      if (!r.resume) {
        expect(r.stop).toBe('exhausted');
        expect(r.executions).toBe(one.executions);
        break;
      }
      stops++;
      const { executions, steps, maxDepth, cut, pruned, unfair } = r;
      from = JSON.parse(
        JSON.stringify({ search: r.resume, counts: { executions, steps, maxDepth, cut, pruned, unfair } }),
      );
    }
    expect(stops).toBeGreaterThan(2);
    // Branches kept by this thread (0) and by workers went into the saved states.
    expect(released).toContain(0);
    expect(released.some((t) => t !== 0)).toBe(true);
  }, 60_000);
});
