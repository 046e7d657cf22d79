import { describe, expect, it } from 'vitest';
import { filesystem, indexer, lastzero, philosophers, readersWriters } from '../../src/benchmarks/index.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { DporStrategy } from '../../src/explore/dpor.js';
import { countTraces } from '../helpers/traces.js';
import { KNOWN_TRACES } from './known-traces.js';

// Issue 4, item 2: DPOR on the classic benchmarks. Optimal DPOR must run exactly one execution per
// Mazurkiewicz trace on the benchmarks that never block (lastzero, indexer), with no execution cut by
// sleep sets; on every benchmark both DPORs must reach the naive search's traces, final states and
// verdicts. Sizes past a few seconds are left to `npm run bench`.

/** Benchmarks that never block: optimal DPOR runs each of their traces exactly once. */
const NON_BLOCKING = /^(lastzero|indexer)/;

describe('optimal DPOR on the classic benchmarks', () => {
  for (const k of KNOWN_TRACES) {
    const b = k.make();
    // Sizes that finish in well under a second on a loaded 2-core machine.
    if (/^lastzero\(1[05]\)|^indexer\(1[56]\)/.test(b.name)) continue;
    it(`${b.name}: ${k.traces} traces`, () => {
      const r = countTraces(b, new DporStrategy());
      expect(r.traces).toBe(k.traces);
      expect(r.redundant).toBe(0);
      if (NON_BLOCKING.test(b.name)) {
        expect(r.executions).toBe(k.traces);
        expect(r.pruned).toBe(0);
      }
    });
  }
});

describe('DPOR against the naive search on sizes it can enumerate', () => {
  for (const k of KNOWN_TRACES.filter((x) => x.checked === 'counted')) {
    const b = k.make();
    // The naive search runs every interleaving: only the sizes where that is a few thousand.
    if (
      !/^(lastzero\([1-4]\)|indexer\([23]\)|filesystem\(2,|readers-writers\((3,1|2,2)|philosophers\(3)/.test(
        b.name,
      )
    )
      continue;
    it(`${b.name}: same traces, final states and verdicts`, () => {
      const naive = countTraces(b, new DfsStrategy(false));
      for (const mode of ['optimal', 'source'] as const) {
        const r = countTraces(b, new DporStrategy(mode));
        expect(r.traces).toBe(naive.traces);
        expect([...r.finalStates].sort()).toEqual([...naive.finalStates].sort());
        expect([...r.verdicts].sort()).toEqual([...naive.verdicts].sort());
      }
    });
  }
});

describe('a DPOR search partitioned into shards', () => {
  const cases = [
    { make: () => lastzero(8), shards: 3 },
    { make: () => indexer(13), shards: 2 },
    { make: () => philosophers(4), shards: 2 },
    { make: () => readersWriters(3, 2), shards: 2 },
    { make: () => filesystem(16), shards: 2 },
  ];
  for (const { make, shards } of cases) {
    const b = make();
    it(`${b.name}, ${shards} shards: together they reach the final states and verdicts of one search`, () => {
      const plain = countTraces(b, new DporStrategy());
      const parts = Array.from({ length: shards }, (_, shard) =>
        countTraces(b, new DporStrategy({ partition: { shard, shards } })),
      );
      // Every shard got work: the cut came before the search ended.
      for (const r of parts) expect(r.executions).toBeGreaterThan(0);
      // Shards may repeat each other's traces, never miss one.
      expect(parts.reduce((n, r) => n + r.traces, 0)).toBeGreaterThanOrEqual(plain.traces);
      expect(new Set(parts.flatMap((r) => [...r.finalStates]))).toEqual(new Set(plain.finalStates));
      expect(new Set(parts.flatMap((r) => [...r.verdicts]))).toEqual(new Set(plain.verdicts));
    });
  }
});
