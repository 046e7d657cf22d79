import { describe, expect, it } from 'vitest';
import abba from '../../examples/abba.js';
import {
  assert,
  checkModel,
  checkText,
  complete_all,
  DEFINE_MUTEX,
  defineModel,
  down_read,
  down_write,
  flush_workqueue,
  INIT_WORK,
  isModel,
  LockstepError,
  modelTarget,
  mutex_lock,
  mutex_trylock,
  mutex_unlock,
  progress,
  queue_work,
  READ_ONCE,
  replayModel,
  retry_until,
  schedule,
  set_current_state,
  spin_lock,
  spin_unlock,
  TASK_INTERRUPTIBLE,
  up_read,
  up_write,
  verdictOfResult,
  WRITE_ONCE,
  wait_for_completion,
  wake_up_process,
} from '../../src/index.js';

// The programmatic API: define a model, check it, read typed results, replay its token.

describe('checkModel', () => {
  it('finds the ABBA deadlock and returns a token that replays it', () => {
    const r = checkModel(abba);
    expect(verdictOfResult(r)).toBe('deadlock');
    expect(r.token).toMatch(/^abba#\w{4}@plain:ab:\w{4}$/);
    const ex = replayModel([abba], r.token!);
    expect(ex.outcome).toEqual(r.explore.found!.outcome);
    expect(checkText(r)).toContain('Wait-for cycle: t1/101 -> t2/102 -> t1/101.');
  });

  it('reports a complete clean search as ok', () => {
    const ordered = defineModel({
      name: 'ordered',
      setup: (m) => ({ a: m.mutex('A'), b: m.mutex('B') }),
      threads: Object.fromEntries(
        ['t1', 't2'].map((n) => [
          n,
          function* (cx, { a, b }) {
            yield* mutex_lock(cx, a);
            yield* mutex_lock(cx, b);
            yield* mutex_unlock(cx, b);
            yield* mutex_unlock(cx, a);
          },
        ]),
      ),
    });
    const r = checkModel(ordered);
    expect(verdictOfResult(r)).toBe('ok');
    expect(r.explore.complete).toBe(true);
  });

  it('runs atEnd once every thread is done, with the progress points passed', () => {
    let ends = 0;
    const m = defineModel({
      name: 'trylock',
      setup: (s) => ({ m: s.mutex('M'), n: s.variable('n', 0) }),
      threads: {
        *a(cx, o) {
          if (yield* mutex_trylock(cx, o.m)) {
            progress(cx, 'got it');
            yield* mutex_unlock(cx, o.m);
          }
        },
        *b(cx, o) {
          yield* mutex_lock(cx, o.m);
          yield* WRITE_ONCE(o.n, 1);
          yield* mutex_unlock(cx, o.m);
        },
      },
      atEnd(o, end) {
        ends++;
        assert(o.n.value === 1, 'b ran');
        assert(end.reached('got it') <= 1, 'at most one trylock');
      },
    });
    const r = checkModel(m);
    expect(verdictOfResult(r)).toBe('ok');
    expect(ends).toBe(r.explore.executions - r.explore.pruned);
  });

  it('covers spinlocks, rwsems, complete_all, wake_up_process and flush_workqueue', () => {
    const m = defineModel({
      name: 'mix',
      setup: (s) => ({
        l: s.spinlock('L'),
        sem: s.rwsem('sem'),
        go: s.completion('go'),
        wq: s.workqueue('wq', { workers: 2 }),
        flag: s.variable('flag', false),
        sleeper: { actor: null as import('../../src/index.js').Actor | null },
      }),
      threads: {
        *reader(cx, o) {
          yield* down_read(cx, o.sem);
          yield* spin_lock(cx, o.l);
          yield* spin_unlock(cx, o.l);
          yield* up_read(cx, o.sem);
          yield* wait_for_completion(cx, o.go);
        },
        *writer(cx, o) {
          yield* down_write(cx, o.sem);
          yield* up_write(cx, o.sem);
          yield* complete_all(cx, o.go);
          yield* queue_work(
            o.wq,
            INIT_WORK('w', function* () {}),
          );
          yield* flush_workqueue(cx, o.wq);
          yield* wait_for_completion(cx, o.go);
        },
      },
    });
    const r = checkModel(m);
    expect(verdictOfResult(r)).toBe('ok');
    expect(r.explore.complete).toBe(true);
  });

  it('finds a sleeper that nobody wakes, and none when wake_up_process comes after it', () => {
    const make = (name: string, wake: boolean) =>
      defineModel({
        name,
        setup: () => ({ who: [] as import('../../src/index.js').Actor[] }),
        threads: {
          *sleeper(cx, o) {
            o.who.push(cx.actor);
            yield* set_current_state(cx, TASK_INTERRUPTIBLE);
            yield* schedule(cx);
          },
          *waker(cx, o) {
            if (wake) yield* wake_up_process(cx, o.who[0]!);
          },
        },
      });
    const lost = checkModel(make('sleep-lost', false));
    expect(verdictOfResult(lost)).toBe('deadlock');
    expect(checkText(lost)).toContain('no task in state D (no hung-task report)');
    // The waker may run before the sleeper sets its state: that wake-up is lost too.
    expect(verdictOfResult(checkModel(make('sleep-woken', true)))).toBe('deadlock');
  });

  it('reports a retry loop nothing can satisfy as a livelock', () => {
    const m = defineModel({
      name: 'spin',
      setup: (s) => ({ v: s.variable('ready', false) }),
      threads: {
        *t(_cx, o) {
          yield* retry_until('poll', [o.v], 'ready', () => o.v.value);
          yield* READ_ONCE(o.v);
        },
      },
    });
    expect(verdictOfResult(checkModel(m))).toBe('livelock');
  });

  it('gives lower-level makers the world, and brands models across copies', () => {
    const m = defineModel({
      name: 'raw',
      setup: (s) => ({ a: DEFINE_MUTEX(s.world, 'A') }),
      threads: {
        *t(cx, o) {
          yield* mutex_lock(cx, o.a);
          yield* mutex_unlock(cx, o.a);
        },
      },
    });
    expect(isModel(m)).toBe(true);
    expect(isModel({ ...m })).toBe(true);
    expect(isModel({ name: 'x' })).toBe(false);
    expect(modelTarget(m).variant).toBe('plain');
  });

  it('rejects a bad name with E_BAD_MODEL', () => {
    const bad = () => defineModel({ name: 'a b', setup: () => ({}), threads: { *t() {} } });
    expect(bad).toThrow(LockstepError);
    expect(bad).toThrow(/model 'a b': bad name/);
  });
});
