import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelOf, resolveTarget } from '../../src/api/target.js';
import type { Choice } from '../../src/core/schedule.js';
import { execute } from '../../src/explore/execute.js';
import { explore } from '../../src/explore/explore.js';
import { PctStrategy } from '../../src/explore/pct.js';
import type { ChoicePoint } from '../../src/explore/strategy.js';
import { abbaModel, atomicityModel } from '../helpers/buggy.js';

// PCT (Burckhardt et al., ASPLOS 2010): seeded, so deterministic; finds a bug of depth d with
// probability at least 1/(n k^(d-1)) per execution.

const MAX_STEPS = 10_000;

function schedules(seed: number, depth: number, runs: number): Choice[][] {
  const model = modelOf(resolveTarget('falloc-dio', 'v6.6', [], [['loops', '2']]));
  const pct = new PctStrategy({ seed, depth });
  const out: Choice[][] = [];
  for (let i = 0; i < runs; i++) {
    pct.beginExecution();
    const ex = execute(model, pct, MAX_STEPS);
    pct.endExecution(ex.schedule.length);
    out.push([...ex.schedule]);
  }
  return out;
}

describe('PctStrategy', () => {
  it('gives the same executions for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 1, max: 4 }), (seed, depth) => {
        expect(schedules(seed, depth, 5)).toEqual(schedules(seed, depth, 5));
      }),
      { numRuns: 20 },
    );
  });

  it('picks differently for different seeds, and only enabled choices', () => {
    const seen = new Set(Array.from({ length: 10 }, (_, seed) => JSON.stringify(schedules(seed, 3, 1))));
    expect(seen.size).toBeGreaterThan(1);
    const pct = new PctStrategy({ seed: 5 });
    const model = abbaModel();
    for (let i = 0; i < 50; i++) {
      pct.beginExecution();
      const offered: Choice[][] = [];
      const watch = {
        name: 'watch',
        exhausted: false,
        beginExecution: () => true,
        pick: (p: ChoicePoint) => {
          offered.push([...p.choices]);
          return pct.pick(p);
        },
        endExecution: () => {},
      };
      const ex = execute(model, watch, MAX_STEPS);
      pct.endExecution(ex.schedule.length);
      ex.schedule.forEach((c, j) => {
        expect(offered[j]).toContainEqual(c);
      });
    }
  });

  it('draws d - 1 distinct change points in [1, k], k the longest execution seen', () => {
    const pct = new PctStrategy({ seed: 9, depth: 4, steps: 10 });
    pct.beginExecution();
    expect(pct.changePoints).toHaveLength(3);
    expect(new Set(pct.changePoints).size).toBe(3);
    for (const s of pct.changePoints) expect(s >= 1 && s <= 10).toBe(true);
    pct.endExecution(40);
    pct.endExecution(25);
    for (let i = 0; i < 50; i++) {
      pct.beginExecution();
      for (const s of pct.changePoints) expect(s >= 1 && s <= 40).toBe(true);
    }
    expect(() => new PctStrategy({ seed: 1, depth: 0 })).toThrow(RangeError);
    expect(new PctStrategy({ seed: 1 }).depth).toBe(3);
  });

  it('runs one actor until it blocks or ends when d = 1 (no change point)', () => {
    const pct = new PctStrategy({ seed: 3, depth: 1 });
    pct.beginExecution();
    expect(pct.changePoints).toEqual([]);
    const ex = execute(atomicityModel(), pct, MAX_STEPS);
    // Priorities never change: each actor runs to its end once it is the highest enabled.
    const runs = ex.schedule.filter((c, i) => i === 0 || ex.schedule[i - 1]!.actor !== c.actor);
    expect(runs.length).toBe(3);
    expect(ex.outcome.kind).toBe('ok');
  });

  it('with d = 2 finds a bug that needs one preemption within a few hundred executions, for every seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      for (const model of [atomicityModel(), abbaModel()]) {
        const r = explore(model, new PctStrategy({ seed, depth: 2 }), {
          maxExecutions: 300,
          maxSteps: MAX_STEPS,
        });
        expect(r.found, `seed ${seed}`).not.toBeNull();
        expect(r.complete).toBe(false);
      }
    }
  });

  it('finds the flagship deadlock (falloc-dio on v6.6-rc7) and the matrix bugs random walks miss', () => {
    const cases = [
      ['falloc-dio', 'v6.6-rc7', [], 'deadlock'],
      ['falloc-dio', 'v6.6-rc7', [['signal', 'kill']], 'deadlock'],
      ['falloc-dio', 'dio-wait-interruptible', [['signal', 'usr1']], 'assertion'],
      ['unaligned-dio', 'v6.6-rc7', [['ring', 'defer']], 'deadlock'],
    ] as const;
    for (const [scenario, variant, params, kind] of cases) {
      for (let seed = 1; seed <= 5; seed++) {
        const model = modelOf(resolveTarget(scenario, variant, [], params));
        const r = explore(model, new PctStrategy({ seed }), { maxExecutions: 500, maxSteps: MAX_STEPS });
        expect(r.found?.outcome.kind, `${scenario} ${variant} ${JSON.stringify(params)} seed ${seed}`).toBe(
          kind,
        );
      }
    }
  });

  it('never completes: a clean model is explored up to the execution bound', () => {
    const model = modelOf(resolveTarget('falloc-dio', 'v6.6'));
    const r = explore(model, new PctStrategy({ seed: 1 }), { maxExecutions: 30, maxSteps: MAX_STEPS });
    expect(r).toMatchObject({
      strategy: 'pct',
      executions: 30,
      stop: 'max-executions',
      complete: false,
      found: null,
    });
  });
});
