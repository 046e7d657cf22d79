/**
 * The number of Mazurkiewicz traces of each benchmark at the sizes a DPOR test or the bench runs:
 * an optimal DPOR must run exactly this many executions that reach their end. `checked` says how the
 * count is known: by the naive or sleep-set trace counter (test/benchmarks/benchmarks.test.ts), or
 * from the benchmark's closed form and the published figures (too large to enumerate here).
 */
import type { Benchmark } from '../../src/benchmarks/benchmark.js';
import { filesystem, indexer, lastzero, philosophers, readersWriters } from '../../src/benchmarks/index.js';

/** One benchmark at one size with its trace count. */
export interface KnownTraces {
  readonly make: () => Benchmark;
  readonly traces: number;
  readonly checked: 'counted' | 'closed-form';
}

/** lastzero(n): (n + 3) 2^(n - 2) traces, counted for n = 1..8. */
export const lastzeroTraces = (n: number): number => ((n + 3) * 2 ** n) / 4;

/** indexer(n), 12 <= n <= 16: thread tid >= 11 collides with thread tid - 11 on three values. */
export const indexerTraces = (n: number): number => 2 ** (3 * Math.max(0, n - 11));

/** filesystem(n), n <= 26: thread i >= 13 starts at the block of thread i - 13. */
export const filesystemTraces = (n: number): number => 2 ** Math.max(0, n - 13);

/** Every benchmark size with a known trace count, small ones first. */
export const KNOWN_TRACES: readonly KnownTraces[] = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({
    make: () => lastzero(n),
    traces: lastzeroTraces(n),
    checked: 'counted' as const,
  })),
  ...[10, 15].map((n) => ({
    make: () => lastzero(n),
    traces: lastzeroTraces(n),
    checked: 'closed-form' as const,
  })),
  ...[2, 3, 4, 5].map((n) => ({ make: () => indexer(n), traces: 1, checked: 'counted' as const })),
  ...[11, 12, 13, 14, 15, 16].map((n) => ({
    make: () => indexer(n),
    traces: indexerTraces(n),
    checked: 'closed-form' as const,
  })),
  { make: () => indexer(2, { size: 4, max: 2 }), traces: 3, checked: 'counted' },
  ...[2, 3, 4, 5].map((n) => ({ make: () => filesystem(n), traces: 1, checked: 'counted' as const })),
  ...[13, 14, 16, 18].map((n) => ({
    make: () => filesystem(n),
    traces: filesystemTraces(n),
    checked: 'closed-form' as const,
  })),
  { make: () => filesystem(2, { blocks: 2 }), traces: 2, checked: 'counted' },
  { make: () => filesystem(3, { blocks: 4 }), traces: 2, checked: 'counted' },
  { make: () => readersWriters(3, 1), traces: 8, checked: 'counted' },
  { make: () => readersWriters(2, 2), traces: 18, checked: 'counted' },
  { make: () => readersWriters(3, 2), traces: 54, checked: 'counted' },
  { make: () => readersWriters(4, 2), traces: 162, checked: 'counted' },
  { make: () => readersWriters(2, 2, { locked: true }), traces: 24, checked: 'counted' },
  // Acyclic orientations of the n-cycle (2^n - 2), plus the one deadlock trace when unordered.
  { make: () => philosophers(3), traces: 7, checked: 'counted' },
  { make: () => philosophers(4), traces: 15, checked: 'counted' },
  { make: () => philosophers(3, { ordered: true }), traces: 6, checked: 'counted' },
  { make: () => philosophers(4, { ordered: true }), traces: 14, checked: 'counted' },
];
