import { describe, expect, it } from 'vitest';
import backoff from '../../examples/polite-backoff.js';
import { check } from '../../src/api/check.js';
import { modelOf, resolveTarget } from '../../src/api/target.js';
import {
  type CheckResult,
  checkModel,
  checkText,
  DEFAULT_LIVELOCK_BOUND,
  DfsStrategy,
  defineModel,
  type Execution,
  execute,
  fairOrder,
  LockstepError,
  progress,
  progressSlot,
  READ_ONCE,
  replayModel,
  shortestPeriod,
  WRITE_ONCE,
} from '../../src/index.js';
import { checkJson } from '../../src/report/json.js';

// Livelocks under a fair scheduler: N steps without progress in a fair window, with the cycle shown.

/** Thread 1 spins until thread 2 sets the flag: terminates under any fair schedule. */
const spinWait = defineModel({
  name: 'spin-wait',
  setup: (m) => ({ flag: m.variable('flag', false) }),
  threads: {
    *waiter(_cx, { flag }) {
      while (!(yield* READ_ONCE(flag))) {}
    },
    *setter(_cx, { flag }) {
      yield* WRITE_ONCE(flag, true);
    },
  },
});

/** A waiter spins on a flag nobody sets while a second thread also loops (`ticks` times, with or without progress). */
function spinAndLoop(name: string, ticks: number, withProgress: boolean) {
  return defineModel({
    name,
    setup: (m) => ({ flag: m.variable('flag', false), n: m.variable('n', 0) }),
    threads: {
      *waiter(_cx, { flag }) {
        for (let i = 0; i < ticks && !(yield* READ_ONCE(flag)); i++) {}
      },
      *ticker(cx, { n }) {
        for (let i = 0; i < ticks; i++) {
          yield* WRITE_ONCE(n, i % 2);
          if (withProgress) progress(cx, 'tick');
        }
      },
    },
  });
}

/** One thread that reads and writes a counter `rounds` times, passing a progress point each round or not. */
function counting(name: string, rounds: number, withProgress: boolean) {
  return defineModel({
    name,
    setup: (m) => ({ n: m.variable('n', 0) }),
    threads: {
      *worker(cx, { n }) {
        for (let i = 0; i < rounds; i++) {
          const v = yield* READ_ONCE(n);
          yield* WRITE_ONCE(n, v + 1);
          if (withProgress) progress(cx, 'counted');
        }
      },
    },
  });
}

function cycleOf(r: CheckResult) {
  const o = r.execution?.outcome;
  if (o?.kind !== 'livelock' || !o.cycle) throw new Error(`no livelock cycle: ${o?.kind}`);
  return o.cycle;
}

/** Step `i`'s actor, alternative and op label, from the recorded trace. */
function keyAt(ex: Execution, i: number): string {
  const s = ex.world.trace![i]!;
  return `${s.actor}.${s.alt}:${s.label}`;
}

describe('livelock bound', () => {
  it('finds the polite back-off livelock and shows its cycle', () => {
    const r = checkModel(backoff, { livelockBound: 60 });
    expect(r.execution!.outcome.kind).toBe('livelock');
    const c = cycleOf(r);
    expect(c.window).toBe(60);
    expect(c.periodic).toBe(true);
    expect(c.period).toBe(6);
    expect(c.actors).toEqual([0, 1]);
    const ops = c.steps.map((s) => s.label).sort();
    expect(ops).toEqual([
      'mutex_lock(A)',
      'mutex_lock(B)',
      'mutex_trylock(A)',
      'mutex_trylock(B)',
      'mutex_unlock(A)',
      'mutex_unlock(B)',
    ]);
    const text = checkText(r);
    expect(text).toContain(
      'verdict: livelock: t1/101, t2/102 ran 60 steps without progress, repeating a cycle of 6 steps',
    );
    expect(text).toMatch(/these 6 steps repeat forever \(the schedule repeats them from step \d+ on/);
    expect(text).toMatch(/\n {5}60 {2}t2\/102 {2}mutex_trylock\(A\)\n/);
    const json = checkJson(r) as { cycle?: { period: number; actors: string[] } };
    expect(json.cycle?.period).toBe(6);
    expect(json.cycle?.actors).toEqual(['t1/101', 't2/102']);
  });

  it('finds it with the default bound, and its token replays to the same cycle', () => {
    const r = checkModel(backoff);
    const c = cycleOf(r);
    expect(c.window).toBe(DEFAULT_LIVELOCK_BOUND);
    const again = replayModel([backoff], r.token!);
    expect(again.outcome).toEqual(r.execution!.outcome);
  });

  it('shows a true period of the schedule: each step from `since` on repeats the one `period` before', () => {
    for (const [model, bound] of [
      [backoff, 60],
      [spinAndLoop('spin-and-loop', 10_000, false), 80],
    ] as const) {
      const r = checkModel(model, { livelockBound: bound });
      const c = cycleOf(r);
      const ex = r.execution!;
      const n = ex.schedule.length;
      expect(c.since + c.period * 2 - 1).toBeLessThanOrEqual(n);
      for (let i = c.since - 1 + c.period; i < n; i++) expect(keyAt(ex, i)).toBe(keyAt(ex, i - c.period));
      // The listed turn is the schedule's last `period` steps.
      expect(c.steps.map((s) => s.index)).toEqual(
        Array.from({ length: c.period }, (_, k) => n - c.period + k + 1),
      );
      // And no shorter period fits the repeating stretch.
      for (let p = 1; p < c.period; p++) {
        let fits = true;
        for (let i = c.since - 1 + p; i < n && fits; i++) fits = keyAt(ex, i) === keyAt(ex, i - p);
        expect(fits, `period ${p}`).toBe(false);
      }
    }
  });

  it('reports a spin on a flag nobody sets, beside another looping thread, with both in the cycle', () => {
    const r = checkModel(spinAndLoop('spin-and-loop', 10_000, false), { livelockBound: 80 });
    const c = cycleOf(r);
    expect(c.actors).toEqual([0, 1]);
    expect(c.steps.map((s) => s.label)).toContain('READ_ONCE(flag)');
  });

  it('does not report a terminating spin-wait, and completes the search', () => {
    for (const strategy of ['dpor', 'dfs'] as const) {
      const r = checkModel(spinWait, { strategy, livelockBound: 100 });
      expect(r.explore.found, strategy).toBeNull();
      expect(r.explore.complete, strategy).toBe(true);
      // DPOR's own branches make the waiter spin past the bound while the setter waits: cut as unfair.
      expect(r.explore.unfair, strategy).toBeGreaterThan(0);
      expect(checkText(r)).toContain('cut as unfair at the livelock bound');
      expect(checkText(r)).toContain('complete: every fair schedule explored');
    }
  });

  it('lets progress points break the bound: a loop that passes one each time round is no livelock', () => {
    // 300 rounds of two steps each: 600 steps, over a bound of 100.
    const without = checkModel(counting('no-progress', 300, false), { livelockBound: 100 });
    // The counter's value is in the op labels, so nothing repeats: a livelock with no cycle shown as one.
    expect(cycleOf(without).periodic).toBe(false);
    expect(checkText(without)).toContain('with no cycle that repeats in the last 50 steps');
    const withProgress = checkModel(counting('progress', 300, true), { livelockBound: 100 });
    expect(withProgress.explore.found).toBeNull();
    expect(withProgress.explore.complete).toBe(true);
    expect(withProgress.explore.unfair).toBe(0);
  });

  it('turns off with a bound of 0: the step bound stops a model that loops', () => {
    expect(() =>
      checkModel(spinAndLoop('loops', 10_000, false), { livelockBound: 0, maxSteps: 500 }),
    ).toThrow(/E_STEP_BOUND|without ending/);
  });

  it('refuses a bad bound with a stable code', () => {
    try {
      checkModel(backoff, { livelockBound: -1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LockstepError);
      expect((e as LockstepError).code).toBe('E_BAD_NUMBER');
    }
  });

  it('keeps a livelock a livelock when shrinking', () => {
    const r = checkModel(backoff, { livelockBound: 60 });
    expect(r.shrunk).not.toBeNull();
    expect(r.explore.found!.outcome.kind).toBe('livelock');
    expect(r.shrunk!.after.steps).toBeLessThanOrEqual(r.shrunk!.before.steps);
    const unshrunk = checkModel(backoff, { livelockBound: 60, shrink: false });
    expect(cycleOf(unshrunk).period).toBe(cycleOf(r).period);
  });

  it('leaves the kernel retry-loop livelock as it was: no cycle, the spinning task named', () => {
    const t = resolveTarget('falloc-dio', 'fallocate-nowait', [], [['ring', 'defer']]);
    const r = check(t);
    const o = r.execution!.outcome;
    expect(o.kind).toBe('livelock');
    expect(o.kind === 'livelock' && o.cycle).toBeFalsy();
    expect(checkText(r)).toMatch(/verdict: livelock: \S+ retries forever/);
  });
});

describe('fairOrder', () => {
  const choices = [
    { actor: 0, alt: 0 },
    { actor: 1, alt: 0 },
    { actor: 2, alt: 0 },
  ];
  const op = () => ({ label: '', touches: [], enabled: () => true, perform: () => undefined });

  it('keeps the last actor first while the execution makes progress', () => {
    expect(fairOrder({ choices, depth: 5, last: 2, op, fair: null }).map((c) => c.actor)).toEqual([2, 0, 1]);
  });

  it('puts the actor that ran least recently first once the execution spins', () => {
    const fair = { lastRan: [9, 7, 8] };
    expect(fairOrder({ choices, depth: 10, last: 0, op, fair }).map((c) => c.actor)).toEqual([1, 2, 0]);
    const never = { lastRan: [9, 7] };
    expect(fairOrder({ choices, depth: 10, last: 0, op, fair: never }).map((c) => c.actor)).toEqual([
      2, 1, 0,
    ]);
  });
});

describe('shortestPeriod', () => {
  it('is the smallest shift that maps the sequence onto itself', () => {
    expect(shortestPeriod([1, 2, 3, 1, 2, 3, 1])).toBe(3);
    expect(shortestPeriod([1, 1, 1])).toBe(1);
    expect(shortestPeriod([1, 2, 3])).toBe(3);
    expect(shortestPeriod([])).toBe(0);
  });
});

describe('progress in the kernel model', () => {
  it('counts a syscall that returns success to user space, and not one that fails', () => {
    // The non-blocking fallocate of this variant returns -EAGAIN while the dio is in flight.
    const t = resolveTarget('falloc-dio', 'fallocate-nowait', [], [['ring', 'defer']]);
    const r = check(t);
    const log = r.execution!.world.slot(progressSlot);
    const names = [...log.byName.keys()];
    expect(names.some((n) => n.startsWith('open('))).toBe(true);
    expect(names.some((n) => n.startsWith('fallocate('))).toBe(false);
    expect(log.count).toBe([...log.byName.values()].reduce((a, b) => a + b, 0));
    const ok = execute(modelOf(resolveTarget('pwrite-falloc', 'v6.6')), new DfsStrategy(), 10_000, true);
    expect(ok.outcome.kind).toBe('ok');
    const done = [...ok.world.slot(progressSlot).byName.keys()];
    expect(done.some((n) => n.startsWith('pwrite64('))).toBe(true);
    expect(done.some((n) => n.startsWith('fallocate('))).toBe(true);
  });
});
