import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, record, verdictOfResult } from '../../src/api/check.js';
import { defineModel, type ModelCx, type ModelSetup } from '../../src/api/model.js';
import { checkModel, decodeModelToken, modelTarget } from '../../src/api/model-target.js';
import { modelOf } from '../../src/api/target.js';
import type { Program } from '../../src/core/op.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { explore } from '../../src/explore/explore.js';
import { checkJson } from '../../src/report/json.js';
import { complete, wait_for_completion } from '../../src/sync/completion.js';
import { mutex_lock, mutex_unlock } from '../../src/sync/mutex.js';
import { READ_ONCE, WRITE_ONCE } from '../../src/sync/shared.js';
import {
  finish_wait,
  prepare_to_wait,
  schedule,
  TASK_UNINTERRUPTIBLE,
  wake_up,
} from '../../src/sync/waitqueue.js';
import { flush_work, INIT_WORK, queue_work } from '../../src/sync/workqueue.js';

// Random models (threads that take locks, wait, complete, sleep on wait queues, queue and flush
// work) against the engine's contracts: it never crashes, every counterexample replays to the
// same verdict, the same model gives the same result, and sleep sets change no verdict.

type Step =
  | { readonly op: 'lock' | 'unlock'; readonly i: number }
  | { readonly op: 'wait' | 'complete'; readonly i: number }
  | { readonly op: 'sleep' | 'wake'; readonly i: number }
  | { readonly op: 'write' | 'read'; readonly i: number }
  | { readonly op: 'queue' | 'flush'; readonly i: number };

const N = 2;
const step: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom(
    'lock',
    'unlock',
    'wait',
    'complete',
    'sleep',
    'wake',
    'write',
    'read',
    'queue',
    'flush',
  ),
  i: fc.integer({ min: 0, max: N - 1 }),
});
const threads = fc.array(fc.array(step, { maxLength: 4 }), { minLength: 1, maxLength: 3 });

function setup(m: ModelSetup) {
  const locks = [m.mutex('L0'), m.mutex('L1')];
  const wq = m.workqueue('events');
  return {
    locks,
    done: [m.completion('c0'), m.completion('c1')],
    wqs: [m.waitqueue('wq0'), m.waitqueue('wq1')],
    vars: [m.variable('v0', 0), m.variable('v1', 0)],
    wq,
    works: locks.map((l, i) =>
      INIT_WORK(`work${i}`, function* (cx: ModelCx) {
        yield* mutex_lock(cx, l);
        yield* mutex_unlock(cx, l);
      }),
    ),
  };
}
type Objects = ReturnType<typeof setup>;

function* runStep(cx: ModelCx, o: Objects, s: Step, held: number[]): Program<void> {
  switch (s.op) {
    case 'lock':
      held.push(s.i); // a second lock of a held mutex is an AA deadlock: a fine verdict
      return yield* mutex_lock(cx, o.locks[s.i]!);
    case 'unlock':
      if (!held.includes(s.i)) return;
      held.splice(held.lastIndexOf(s.i), 1);
      return yield* mutex_unlock(cx, o.locks[s.i]!);
    case 'wait':
      return yield* wait_for_completion(cx, o.done[s.i]!);
    case 'complete':
      return yield* complete(cx, o.done[s.i]!);
    case 'sleep':
      yield* prepare_to_wait(cx, o.wqs[s.i]!, TASK_UNINTERRUPTIBLE);
      if ((yield* READ_ONCE(o.vars[s.i]!)) === 0) yield* schedule(cx);
      return yield* finish_wait(cx, o.wqs[s.i]!);
    case 'wake':
      yield* WRITE_ONCE(o.vars[s.i]!, 1);
      return yield* wake_up(cx, o.wqs[s.i]!);
    case 'write':
      return yield* WRITE_ONCE(o.vars[s.i]!, 2);
    case 'read':
      return void (yield* READ_ONCE(o.vars[s.i]!));
    case 'queue':
      return void (yield* queue_work(o.wq, o.works[s.i]!));
    case 'flush':
      return void (yield* flush_work(cx, o.works[s.i]!));
  }
}

function modelOfSteps(programs: readonly (readonly Step[])[]) {
  const entries = programs.map((steps, t) => [
    `t${t}`,
    function* (cx: ModelCx, o: Objects): Program<void> {
      const held: number[] = [];
      for (const s of steps) yield* runStep(cx, o, s, held);
      while (held.length > 0) yield* mutex_unlock(cx, o.locks[held.pop()!]!);
    },
  ]);
  return defineModel({ name: 'fuzz', setup, threads: Object.fromEntries(entries) });
}

const LIMITS = { maxExecutions: 400, maxSteps: 200 };

describe('random models', () => {
  it('never crash, and every counterexample replays to the same verdict', () => {
    fc.assert(
      fc.property(threads, (programs) => {
        const model = modelOfSteps(programs);
        const r = checkModel(model, LIMITS);
        if (!r.token) return;
        const { target, schedule } = decodeModelToken(r.token, [model]);
        const again = record(target, schedule);
        expect(again.outcome).toEqual(r.explore.found!.outcome);
        expect(again.schedule).toEqual(r.explore.found!.schedule);
      }),
      { numRuns: 150 },
    );
  });

  it('give the same result twice', () => {
    fc.assert(
      fc.property(threads, (programs) => {
        const a = checkModel(modelOfSteps(programs), LIMITS);
        const b = checkModel(modelOfSteps(programs), LIMITS);
        expect(checkJson(b)).toEqual(checkJson(a));
        expect(b.execution?.world.trace).toEqual(a.execution?.world.trace);
      }),
      { numRuns: 60 },
    );
  });

  it('find a problem with sleep sets exactly when the naive search finds one', () => {
    fc.assert(
      fc.property(threads, (programs) => {
        const target = modelTarget(modelOfSteps(programs), { maxSteps: LIMITS.maxSteps });
        const naive = explore(modelOf(target), new DfsStrategy(false), LIMITS);
        const sleep = explore(modelOf(target), new DfsStrategy(true), LIMITS);
        if (!naive.complete || !sleep.complete) return;
        expect(sleep.found !== null).toBe(naive.found !== null);
      }),
      { numRuns: 100 },
    );
  });

  it('random search finds nothing where the exhaustive search proved there is nothing', () => {
    fc.assert(
      fc.property(threads, fc.integer({ min: 0, max: 1000 }), (programs, seed) => {
        const model = modelOfSteps(programs);
        const full = checkModel(model, LIMITS);
        if (!full.explore.complete || full.explore.found) return;
        const rnd = check(modelTarget(model, { maxSteps: LIMITS.maxSteps }), {
          strategy: 'random',
          seed,
          maxExecutions: 30,
          maxSteps: LIMITS.maxSteps,
        });
        expect(verdictOfResult(rnd)).toBe('ok');
      }),
      { numRuns: 60 },
    );
  });
});
