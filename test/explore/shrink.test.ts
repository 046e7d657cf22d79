import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { record } from '../../src/api/check.js';
import { MATRIX_ROWS } from '../../src/api/matrix.js';
import { modelOf, resolveTarget, type Target, targetHeader } from '../../src/api/target.js';
import type { Schedule } from '../../src/core/schedule.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { type Execution, execute, type Model } from '../../src/explore/execute.js';
import { type Counterexample, explore } from '../../src/explore/explore.js';
import { preemptions } from '../../src/explore/guided.js';
import { PctStrategy } from '../../src/explore/pct.js';
import { RandomStrategy } from '../../src/explore/random.js';
import { ReplayStrategy } from '../../src/explore/replay.js';
import { shrink, shrinkCounterexample, verdictKey } from '../../src/explore/shrink.js';
import { VARIANTS } from '../../src/kernel/config.js';
import { abbaModel, atomicityModel } from '../helpers/buggy.js';

// Shrinking keeps the verdict (by actor label, not id), never lengthens a counterexample, and
// removes the preemptions the bug does not need.

const MAX_STEPS = 10_000;

function replay(model: Model, schedule: Schedule): Execution {
  const strategy = new ReplayStrategy(schedule);
  strategy.beginExecution();
  return execute(model, strategy, schedule.length);
}

function found(model: Model, seed: number, maxExecutions = 500): Counterexample {
  const r = explore(model, new RandomStrategy(seed), { maxExecutions, maxSteps: MAX_STEPS });
  expect(r.found, `random seed ${seed}`).not.toBeNull();
  return r.found!;
}

/** Checks the shrink contract on one counterexample; returns the shrink's result. */
function checkShrink(model: () => Model, cx: Counterexample) {
  const key = verdictKey(replay(model(), cx.schedule));
  expect(key).not.toBeNull();
  const s = shrinkCounterexample(model(), cx);
  expect(s.reproduced).toBe(true);
  const again = replay(model(), s.counterexample.schedule);
  expect(again.schedule).toEqual(s.counterexample.schedule);
  expect(again.outcome).toEqual(s.counterexample.outcome);
  expect(verdictKey(again)).toBe(key);
  expect(s.after.steps).toBeLessThanOrEqual(s.before.steps);
  expect(s.counterexample.schedule.length).toBe(s.after.steps);
  expect(preemptions(model(), s.counterexample.schedule)).toBe(s.after.preemptions);
  expect(s.before.preemptions).toBe(preemptions(model(), cx.schedule));
  if (s.after.steps === s.before.steps) expect(s.after.preemptions).toBeLessThanOrEqual(s.before.preemptions);
  return s;
}

describe('preemptions', () => {
  it('counts switches away from an actor that could still run, not switches away from a blocked one', () => {
    const model = abbaModel(0, 0);
    // abba-1 takes both locks and releases them, then abba-2: no switch is a preemption.
    const serial = execute(model, new DfsStrategy(), MAX_STEPS).schedule;
    expect(preemptions(model, serial)).toBe(0);
    // The deadlock: abba-1 takes A, is preempted, abba-2 takes B and blocks on A; abba-1 blocks on B.
    const cx = shrink(model, found(model, 1));
    expect(cx.outcome.kind).toBe('deadlock');
    expect(preemptions(model, cx.schedule)).toBe(1);
  });
});

describe('shrink on synthetic models', () => {
  it('reduces an ABBA deadlock found by a random walk to one preemption', () => {
    for (let seed = 0; seed < 20; seed++) {
      const model = () => abbaModel(3, 2);
      const s = checkShrink(model, found(model(), seed));
      expect(s.after.preemptions, `seed ${seed}`).toBe(1);
      expect(s.fixpoint).toBe(true);
    }
  });

  it('reduces an atomicity violation to one preemption and drops the steps that do not matter', () => {
    for (let seed = 0; seed < 20; seed++) {
      const model = () => atomicityModel(6, 2);
      const s = checkShrink(model, found(model(), seed, 5000));
      expect(s.after.preemptions, `seed ${seed}`).toBe(1);
      // The writer's six private steps and `x = 1`, then the checker: nothing else.
      expect(s.after.steps, `seed ${seed}`).toBe(8);
    }
  });

  it('is deterministic', () => {
    const model = abbaModel(3, 2);
    const cx = found(model, 7);
    expect(shrinkCounterexample(abbaModel(3, 2), cx)).toEqual(shrinkCounterexample(abbaModel(3, 2), cx));
  });

  it('stops after maxReplays executions and keeps the best so far', () => {
    const model = () => abbaModel(4, 3);
    const cx = found(model(), 3);
    const s = shrinkCounterexample(model(), cx, { maxReplays: 2 });
    expect(s.replays).toBeLessThanOrEqual(2);
    expect(verdictKey(replay(model(), s.counterexample.schedule))).toBe(
      verdictKey(replay(model(), cx.schedule)),
    );
  });

  it('returns a counterexample that does not replay to its verdict as it is', () => {
    const model = abbaModel(0, 0);
    const serial = execute(model, new DfsStrategy(), MAX_STEPS).schedule;
    const fake: Counterexample = { outcome: { kind: 'deadlock', blocked: [0] }, schedule: serial };
    const s = shrinkCounterexample(model, fake);
    expect(s).toMatchObject({ reproduced: false, fixpoint: false, replays: 1 });
    expect(s.counterexample).toBe(fake);
  });

  it('always replays to the same verdict and never gets longer, over random counterexamples', () => {
    const models = [() => abbaModel(2, 1), () => atomicityModel(3, 1), () => abbaModel(1, 2)];
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 0xffff_ffff }), (m, seed) => {
        const model = models[m]!;
        const r = explore(model(), new RandomStrategy(seed), { maxExecutions: 200, maxSteps: MAX_STEPS });
        fc.pre(r.found !== null);
        const s = checkShrink(model, r.found!);
        expect(s.after.preemptions).toBe(1);
      }),
      { numRuns: 60 },
    );
  });
});

const BUGGY: readonly Target[] = MATRIX_ROWS.flatMap((row) =>
  VARIANTS.filter((v) => row.expect[v.name] !== undefined && row.expect[v.name] !== 'ok').map((v) =>
    resolveTarget(row.scenario, v.name, [], row.params),
  ),
);

describe('shrink on the verdict matrix', () => {
  it('keeps every buggy cell’s verdict, from the exhaustive search’s and from PCT’s counterexample', () => {
    expect(BUGGY.length).toBeGreaterThan(20);
    for (const target of BUGGY) {
      const name = targetHeader(target);
      for (const strategy of [new DfsStrategy(), new PctStrategy({ seed: 1 })]) {
        const r = explore(modelOf(target), strategy, { maxExecutions: 100_000, maxSteps: MAX_STEPS });
        expect(r.found, name).not.toBeNull();
        const cx = r.found!;
        const s = shrinkCounterexample(modelOf(target), cx, { fresh: () => modelOf(target) });
        const before = record(target, cx.schedule);
        const after = record(target, s.counterexample.schedule);
        expect(verdictKey(after), `${name} ${strategy.name}`).toBe(verdictKey(before));
        expect(after.outcome).toEqual(s.counterexample.outcome);
        expect(s.after.steps, name).toBeLessThanOrEqual(cx.schedule.length);
        expect(s.after.preemptions, name).toBeLessThanOrEqual(s.before.preemptions);
        expect(s.fixpoint, name).toBe(true);
      }
    }
  });

  it('keeps a lockdep or DEPT report’s kind and headline, with a fresh model per execution', () => {
    for (const config of [[['lockdep_dio_map', 'true']], [['dept', 'true']]] as const) {
      const target = resolveTarget('falloc-dio', 'v6.6-rc7', config, [['ring', 'defer']]);
      const r = explore(modelOf(target), new DfsStrategy(), { maxExecutions: 100, maxSteps: MAX_STEPS });
      const s = shrinkCounterexample(modelOf(target), r.found!, { fresh: () => modelOf(target) });
      expect(s.reproduced).toBe(true);
      const key = verdictKey(record(target, s.counterexample.schedule));
      expect(key).toBe(verdictKey(record(target, r.found!.schedule)));
      expect(key).toMatch(/^(lockdep|dept): /);
    }
  });

  it('shrinks a random walk’s flagship deadlock to the exhaustive search’s: 24 steps, no preemption', () => {
    const target = resolveTarget('falloc-dio', 'v6.6-rc7');
    for (let seed = 1; seed <= 10; seed++) {
      const r = explore(modelOf(target), new RandomStrategy(seed), {
        maxExecutions: 200,
        maxSteps: MAX_STEPS,
      });
      const s = shrinkCounterexample(modelOf(target), r.found!);
      expect(s.after, `seed ${seed}`).toEqual({ steps: 24, preemptions: 0, switches: 1 });
      const dfs = explore(modelOf(target), new DfsStrategy(), { maxExecutions: 10, maxSteps: MAX_STEPS });
      expect(s.counterexample.schedule).toEqual(dfs.found!.schedule);
    }
  });
});
