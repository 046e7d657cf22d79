import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import type { SimObject, SleepState } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import { ERESTARTSYS, errname } from '../../src/sync/errno.js';
import { SIGKILL, ThreadInfo } from '../../src/sync/thread-info.js';
import {
  signal_pending_state,
  type WaitSpec,
  wait_event,
  wait_for_work,
  wokenBy,
} from '../../src/sync/wait.js';
import { runActor, spawnActor } from '../helpers/drive.js';

interface Sleeper {
  readonly actor: Actor;
  readonly ti: ThreadInfo;
  /** What wait_event returned, once it has run. */
  readonly results: number[];
}

interface Setup {
  readonly w: World;
  readonly obj: SimObject & { done: boolean };
  sleep(state: SleepState, extra?: Partial<WaitSpec>): Sleeper;
}

function setup(record = false): Setup {
  const w = new World({ record });
  const obj = { oid: w.oid(), name: 'i_dio_count', done: false };
  return {
    w,
    obj,
    sleep(state, extra = {}) {
      const ti = new ThreadInfo(w.oid(), `sleeper-${state}`);
      const results: number[] = [];
      const actor = spawnActor(w, `sleeper-${state}`, function* (cx) {
        results.push(
          (yield wait_event(cx, {
            object: obj,
            until: 'i_dio_count == 0',
            cond: () => obj.done,
            state,
            ti,
            ...extra,
          })) as number,
        );
      });
      return { actor, ti, results };
    },
  };
}

const kill = (ti: ThreadInfo): void => {
  ti.sigpending = true;
  ti.signals.add(SIGKILL);
};

describe('wait_event in state D (TASK_UNINTERRUPTIBLE)', () => {
  it('is not woken by TIF_NOTIFY_SIGNAL, a pending signal or SIGKILL', () => {
    const { sleep } = setup();
    const s = sleep('D');
    expect(s.actor.status()).toBe('blocked');
    s.ti.notifySignal = true;
    expect(s.actor.status()).toBe('blocked');
    s.ti.sigpending = true;
    expect(s.actor.status()).toBe('blocked');
    s.ti.signals.add(SIGKILL);
    expect(s.actor.status()).toBe('blocked');
  });

  it('proceeds with 0 once the condition holds', () => {
    const { w, obj, sleep } = setup(true);
    const s = sleep('D');
    kill(s.ti);
    obj.done = true;
    runActor(w, s.actor);
    expect(s.results).toEqual([0]);
    expect(w.trace![0]!.note).toBe('i_dio_count == 0: proceeds');
  });

  it('describes the sleep for the hung-task report', () => {
    const { obj, sleep } = setup();
    const s = sleep('D');
    expect(s.actor.pending!.label).toBe('wait_event(i_dio_count == 0)');
    expect(s.actor.pending!.wait).toEqual({
      state: 'D',
      object: obj,
      until: 'i_dio_count == 0',
      wokenBy: 'nothing (uninterruptible)',
      sleepFrames: ['schedule', '__schedule'],
    });
    // An uninterruptible sleep does not read the thread flags, so it does not touch them.
    expect(s.actor.pending!.touches).toEqual([obj]);
  });
});

describe('wait_event in state S (TASK_INTERRUPTIBLE)', () => {
  it('is woken by TIF_NOTIFY_SIGNAL and returns -ERESTARTSYS while the condition is false', () => {
    const { w, sleep } = setup(true);
    const s = sleep('S');
    expect(s.actor.status()).toBe('blocked');
    s.ti.notifySignal = true;
    expect(s.actor.status()).toBe('runnable');
    runActor(w, s.actor);
    expect(s.results).toEqual([-512]);
    expect(s.results[0]).toBe(-ERESTARTSYS);
    expect(errname(s.results[0]!)).toBe('-ERESTARTSYS');
    expect(w.trace![0]!.note).toBe('interrupted: -ERESTARTSYS');
  });

  it('is woken by a real pending signal as well', () => {
    const { w, sleep } = setup();
    const s = sleep('S');
    s.ti.sigpending = true;
    runActor(w, s.actor);
    expect(s.results).toEqual([-ERESTARTSYS]);
  });

  it('returns 0 when the condition is true, even with a signal pending', () => {
    const { w, obj, sleep } = setup();
    const s = sleep('S');
    s.ti.notifySignal = true;
    obj.done = true;
    runActor(w, s.actor);
    expect(s.results).toEqual([0]);
  });

  it('reads the thread flags and any extra objects, and says what wakes it', () => {
    const { w, obj, sleep } = setup();
    const extra = { oid: w.oid(), name: 'cq' };
    const s = sleep('S', {
      reads: [extra],
      label: 'io_cqring_wait',
      sleepFrames: ['io_cqring_wait_schedule'],
    });
    const op = s.actor.pending!;
    expect(op.label).toBe('io_cqring_wait');
    expect(op.touches).toEqual([obj, extra, s.ti]);
    expect(op.wait!.wokenBy).toBe('a signal or TIF_NOTIFY_SIGNAL');
    expect(op.wait!.sleepFrames).toEqual(['io_cqring_wait_schedule']);
  });

  it('without thread flags (ti null) only the condition ends it', () => {
    const { w, obj } = setup();
    const results: number[] = [];
    const a = spawnActor(w, 'irq-ish', function* (cx) {
      results.push(
        (yield wait_event(cx, {
          object: obj,
          until: 'done',
          cond: () => obj.done,
          state: 'S',
          ti: null,
        })) as number,
      );
    });
    expect(a.status()).toBe('blocked');
    expect(a.pending!.touches).toEqual([obj]);
    obj.done = true;
    runActor(w, a);
    expect(results).toEqual([0]);
  });
});

describe('wait_event in state K (TASK_KILLABLE)', () => {
  it('is woken only by a fatal signal: sigpending with SIGKILL in the set', () => {
    const { w, sleep } = setup();
    const s = sleep('K');
    expect(s.actor.pending!.wait!.wokenBy).toBe('SIGKILL');
    s.ti.notifySignal = true;
    expect(s.actor.status()).toBe('blocked');
    s.ti.sigpending = true;
    expect(s.actor.status()).toBe('blocked');
    s.ti.sigpending = false;
    s.ti.signals.add(SIGKILL);
    expect(s.actor.status()).toBe('blocked');
    s.ti.sigpending = true;
    expect(s.actor.status()).toBe('runnable');
    runActor(w, s.actor);
    expect(s.results).toEqual([-ERESTARTSYS]);
  });

  it('returns 0 when the condition holds', () => {
    const { w, obj, sleep } = setup();
    const s = sleep('K');
    obj.done = true;
    runActor(w, s.actor);
    expect(s.results).toEqual([0]);
  });
});

describe('signal_pending_state', () => {
  // [notifySignal, sigpending, SIGKILL queued] -> [D, S, K]
  const table: [[boolean, boolean, boolean], [boolean, boolean, boolean]][] = [
    [
      [false, false, false],
      [false, false, false],
    ],
    [
      [true, false, false],
      [false, true, false],
    ],
    [
      [false, true, false],
      [false, true, false],
    ],
    [
      [false, false, true],
      [false, false, false],
    ],
    [
      [false, true, true],
      [false, true, true],
    ],
    [
      [true, true, true],
      [false, true, true],
    ],
  ];
  it.each(table)('flags %j wake D/S/K: %j', ([notify, pending, killed], expected) => {
    const ti = new ThreadInfo(1, 't');
    ti.notifySignal = notify;
    ti.sigpending = pending;
    if (killed) ti.signals.add(SIGKILL);
    expect((['D', 'S', 'K'] as const).map((st) => signal_pending_state(st, ti))).toEqual(expected);
  });

  it('is false for every state without thread flags', () => {
    for (const st of ['D', 'S', 'K'] as const) expect(signal_pending_state(st, null)).toBe(false);
  });

  it('wokenBy names what ends each sleep', () => {
    expect(['D', 'S', 'K'].map((s) => wokenBy(s as SleepState))).toEqual([
      'nothing (uninterruptible)',
      'a signal or TIF_NOTIFY_SIGNAL',
      'SIGKILL',
    ]);
  });
});

describe('wait_for_work', () => {
  it('makes a kthread idle, not blocked, and hands over the work in the step that ends the wait', () => {
    const w = new World();
    const queue = { oid: w.oid(), name: 'queue', items: [] as string[] };
    const got: unknown[] = [];
    const k = spawnActor(
      w,
      'kworker/0:1',
      function* () {
        got.push(
          yield wait_for_work(
            'take work',
            queue,
            'work on queue',
            () => queue.items.length > 0,
            () => queue.items.shift(),
          ),
        );
      },
      'kthread',
    );
    expect(k.status()).toBe('idle');
    expect(w.blocked()).toEqual([]);
    expect(w.choices()).toEqual([]);
    expect(k.pending!.wait).toMatchObject({ state: 'S', idle: true, object: queue, wokenBy: 'new work' });
    queue.items.push('item');
    expect(k.status()).toBe('runnable');
    runActor(w, k);
    expect(got).toEqual(['item']);
    expect(queue.items).toEqual([]);
  });
});
