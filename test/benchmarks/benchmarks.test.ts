import { describe, expect, it } from 'vitest';
import type { Benchmark } from '../../src/benchmarks/benchmark.js';
import { filesystem, indexer, lastzero, philosophers, readersWriters } from '../../src/benchmarks/index.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { explore } from '../../src/explore/explore.js';
import { countTraces, type TraceCount } from '../helpers/traces.js';
import { KNOWN_TRACES, lastzeroTraces } from './known-traces.js';

// The classic DPOR benchmarks at sizes the naive search can enumerate: the number of
// Mazurkiewicz traces each has (from its closed form, or a fact of the published benchmark),
// and the contract that a reduced search reaches the final states and verdicts the naive one does.

/** Naive DFS and sleep-set DFS on `bench`; both must see `traces` traces and the same outcomes. */
function bothAgree(bench: Benchmark, traces: number): { naive: TraceCount; sleep: TraceCount } {
  const naive = countTraces(bench, new DfsStrategy(false));
  const sleep = countTraces(bench, new DfsStrategy(true));
  expect(naive.pruned).toBe(0);
  expect(naive.cut).toBe(0);
  expect(naive.traces).toBe(traces);
  expect(naive.foataTraces).toBe(traces);
  expect(sleep.traces).toBe(traces);
  expect([...sleep.finalStates].sort()).toEqual([...naive.finalStates].sort());
  expect([...sleep.verdicts].sort()).toEqual([...naive.verdicts].sort());
  return { naive, sleep };
}

/** The sleep-set DFS alone, for sizes past the naive search. */
function sleepCount(bench: Benchmark): TraceCount {
  const c = countTraces(bench, new DfsStrategy(true));
  expect(c.cut).toBe(0);
  expect(c.foataTraces).toBe(c.traces);
  return c;
}

const LIMITS = { maxExecutions: 1_000_000, maxSteps: 10_000 };

describe('lastzero', () => {
  // Measured for n = 1..8 (2, 5, 12, 28, 64, 144, 320, 704): (n + 3) 2^(n - 2).
  const expected = lastzeroTraces;

  for (const n of [1, 2, 3]) {
    it(`lastzero(${n}): ${expected(n)} traces, each with its own final state, naive and sleep sets alike`, () => {
      const { naive } = bothAgree(lastzero(n), expected(n));
      expect(naive.finalStates.size).toBe(expected(n));
      expect([...naive.verdicts]).toEqual(['ok']);
    });
  }

  for (const n of [4, 5]) {
    it(`lastzero(${n}): ${expected(n)} traces under sleep sets`, () => {
      expect(sleepCount(lastzero(n)).traces).toBe(expected(n));
    });
  }

  it('the reader stops at index 0 when no writer ran first, and past the writers that did', () => {
    const { naive } = bothAgree(lastzero(1), 2);
    expect([...naive.finalStates].sort()).toEqual([
      'ok | array[0]=0 array[1]=1 stop=0',
      'ok | array[0]=0 array[1]=1 stop=1',
    ]);
  });
});

describe('indexer', () => {
  it('indexer(2): no collision, one trace of 70 interleavings', () => {
    const { naive } = bothAgree(indexer(2), 1);
    expect(naive.executions).toBe(70); // 8! / (4! 4!)
  });

  for (const n of [3, 4]) {
    it(`indexer(${n}): one trace (no collision below 12 threads)`, () => {
      expect(sleepCount(indexer(n)).traces).toBe(1);
    });
  }

  it('no two values of threads 0..10 hash to one entry; thread 11 collides three times with thread 0', () => {
    const hashes = (n: number) =>
      Array.from({ length: n }, (_, tid) => [1, 2, 3, 4].map((m) => ((m * 11 + tid) * 7) % 128)).flat();
    expect(new Set(hashes(11)).size).toBe(44);
    expect(new Set(hashes(12)).size).toBe(48 - 3); // hence 2^3 = 8 traces for indexer(12)
  });

  it('indexer(2) on a 4-entry table: the collisions and probes give 3 traces', () => {
    const { naive } = bothAgree(indexer(2, { size: 4, max: 2 }), 3);
    // Every entry ends up filled, by a different owner in each trace.
    expect(naive.finalStates.size).toBe(3);
  });
});

describe('filesystem', () => {
  it('filesystem(2) with 2 blocks: both threads start at block 0, 2 traces', () => {
    bothAgree(filesystem(2, { blocks: 2 }), 2);
  });

  it('filesystem(3) with 4 blocks: threads 0 and 2 collide, 2 traces', () => {
    expect(sleepCount(filesystem(3, { blocks: 4 })).traces).toBe(2);
  });

  for (const n of [2, 3, 4]) {
    it(`filesystem(${n}): no collision below 14 threads, one trace`, () => {
      expect(sleepCount(filesystem(n)).traces).toBe(1);
    });
  }
});

describe('readers-writers', () => {
  // Unlocked: the writes are ordered among themselves (w!) and each read falls in one of the
  // w + 1 gaps. Locked: every critical section conflicts on the mutex, (r + w)! orders.
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  for (const [r, w] of [
    [2, 1],
    [3, 1],
    [2, 2],
  ] as const) {
    const traces = fact(w) * (w + 1) ** r;
    it(`readers-writers(${r},${w}): ${traces} traces`, () => {
      bothAgree(readersWriters(r, w), traces);
    });
  }

  it('readers-writers(3,2): 54 traces under sleep sets', () => {
    expect(sleepCount(readersWriters(3, 2)).traces).toBe(54);
  });

  it('readers-writers(2,2) locked: 4! traces, but only the unlocked final states', () => {
    const { naive } = bothAgree(readersWriters(2, 2, { locked: true }), 24);
    expect(naive.finalStates.size).toBe(18);
  });
});

describe('dining philosophers', () => {
  // Each fork is shared by two neighbours; a trace orders the meals on every fork: an acyclic
  // orientation of the n-cycle, 2^n - 2 of them. Left-then-right adds the one deadlock trace.
  it('philosophers(3): 2^3 - 2 meal orders plus the deadlock, naive and sleep sets alike', () => {
    const { naive } = bothAgree(philosophers(3), 7);
    expect([...naive.verdicts].sort()).toEqual(['deadlock:0,1,2', 'ok']);
    expect(naive.finalStates.has('deadlock:0,1,2 | meals[0]=0 meals[1]=0 meals[2]=0 held=0,1,2')).toBe(true);
  });

  it('philosophers(3) with ordered forks: 6 traces, no deadlock', () => {
    const { naive } = bothAgree(philosophers(3, { ordered: true }), 6);
    expect([...naive.verdicts]).toEqual(['ok']);
    expect([...naive.finalStates]).toEqual(['ok | meals[0]=1 meals[1]=1 meals[2]=1 held=-,-,-']);
  });

  it('philosophers(4): 15 traces, 14 when ordered', () => {
    expect(sleepCount(philosophers(4)).traces).toBe(15);
    expect(sleepCount(philosophers(4, { ordered: true })).traces).toBe(14);
  });

  it('explore finds the deadlock with every philosopher holding its left fork', () => {
    const sleep = explore(philosophers(4).model, new DfsStrategy(), LIMITS);
    expect(sleep.found?.outcome).toEqual({ kind: 'deadlock', blocked: [0, 1, 2, 3] });
    const naive = explore(philosophers(3).model, new DfsStrategy(false), LIMITS);
    expect(naive.found?.outcome).toEqual({ kind: 'deadlock', blocked: [0, 1, 2] });
  });

  it('explore finds nothing in the ordered variant and completes', () => {
    const r = explore(philosophers(4, { ordered: true }).model, new DfsStrategy(), LIMITS);
    expect(r).toMatchObject({ found: null, complete: true });
  });
});

describe('the table of known trace counts', () => {
  // The counted rows of the table the DPOR tests use, recounted here, but for the slowest few
  // (seconds each under sleep sets; counted once by hand with the same helper).
  const slow = new Set(['lastzero(7)', 'lastzero(8)', 'indexer(5)', 'filesystem(5)', 'readers-writers(4,2)']);
  const rows = KNOWN_TRACES.filter((k) => k.checked === 'counted')
    .map((k) => [k.make().name, k] as const)
    .filter(([name]) => !slow.has(name));
  it.each(rows)('%s', (_name, k) => {
    expect(sleepCount(k.make()).traces).toBe(k.traces);
  });
});
