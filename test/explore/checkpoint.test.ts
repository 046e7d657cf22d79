import { describe, expect, it } from 'vitest';
import { check, DEFAULT_CHECK } from '../../src/api/check.js';
import { resolveTarget } from '../../src/api/target.js';
import { indexer, lastzero, readersWriters } from '../../src/benchmarks/index.js';
import { DporStrategy } from '../../src/explore/dpor.js';
import { explore } from '../../src/explore/explore.js';

// Issue 4, item 7: a search stopped between executions resumes from its snapshot (made plain JSON and
// back) and ends exactly as one uninterrupted run: same executions, steps, traces and verdict.

/** Stops after `n` executions. */
const stopAfter = (n: number) => {
  let seen = 0;
  return {
    every: 1,
    onProgress: () => void seen++,
    shouldStop: () => (seen >= n ? ('interrupted' as const) : null),
  };
};

describe('a DPOR search resumed from a snapshot', () => {
  const limits = { maxExecutions: 1_000_000, maxSteps: 10_000 };
  for (const b of [lastzero(6), indexer(13), readersWriters(3, 2)]) {
    for (const mode of ['optimal', 'source'] as const) {
      it(`${b.name}, ${mode}: stopped twice and resumed, it ends as one run`, () => {
        const whole = explore(b.model, new DporStrategy(mode), limits);
        let strategy = new DporStrategy(mode);
        let part = explore(b.model, strategy, limits, stopAfter(Math.floor(whole.executions / 3)));
        expect(part.stop).toBe('interrupted');
        expect(part.executions).toBeLessThan(whole.executions);
        for (let i = 0; i < 2; i++) {
          const saved = JSON.parse(JSON.stringify(strategy.snapshot()));
          strategy = DporStrategy.restore(saved);
          const hooks = i === 0 ? stopAfter(Math.floor(whole.executions / 3)) : {};
          part = explore(b.model, strategy, limits, hooks, part);
        }
        expect(part.stop).toBe('exhausted');
        expect(part.complete).toBe(true);
        expect({ ...part, strategy: '' }).toEqual({ ...whole, strategy: '' });
      });
    }
  }

  it('a partitioned search resumes too', () => {
    const b = lastzero(8);
    const one = new DporStrategy({ partition: { shard: 1, shards: 3 } });
    const whole = explore(b.model, one, limits);
    const s = new DporStrategy({ partition: { shard: 1, shards: 3 } });
    const part = explore(b.model, s, limits, stopAfter(2));
    const rest = explore(
      b.model,
      DporStrategy.restore(JSON.parse(JSON.stringify(s.snapshot()))),
      limits,
      {},
      part,
    );
    expect(rest.executions).toBe(whole.executions);
    expect(rest.steps).toBe(whole.steps);
  });
});

describe('check resumed', () => {
  it('falloc-dio loops=3 on v6.6: Ctrl-C, then resume, gives the counts of one run', () => {
    const target = resolveTarget('falloc-dio', 'v6.6', [], [['loops', '3']]);
    const whole = check(target, DEFAULT_CHECK);
    const first = check(target, DEFAULT_CHECK, stopAfter(400));
    expect(first.explore.stop).toBe('interrupted');
    expect(first.resume).not.toBeNull();
    const resumed = JSON.parse(JSON.stringify(first.resume));
    const rest = check(target, DEFAULT_CHECK, {}, resumed);
    expect(rest.resume).toBeNull();
    expect(rest.explore).toEqual(whole.explore);
  });

  it('with a preemption bound, resumes at the bound it stopped at', () => {
    const target = resolveTarget('falloc-dio', 'v6.6', [], [['loops', '2']]);
    const options = { ...DEFAULT_CHECK, preemptionBound: 2 };
    const whole = check(target, options);
    const first = check(target, options, stopAfter(5));
    expect(first.resume?.bound).not.toBeNull();
    let rest = check(target, options, stopAfter(1), JSON.parse(JSON.stringify(first.resume)));
    while (rest.resume) rest = check(target, options, {}, JSON.parse(JSON.stringify(rest.resume)));
    expect(rest.explore).toEqual(whole.explore);
  });
});
