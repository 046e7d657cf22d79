import { describe, expect, it } from 'vitest';
import { World } from '../../src/core/world.js';
import {
  complete,
  complete_all,
  DECLARE_COMPLETION,
  try_wait_for_completion,
  wait_for_completion,
} from '../../src/sync/completion.js';
import { DEFINE_MUTEX, mutex_lock, mutex_trylock, mutex_unlock } from '../../src/sync/mutex.js';
import { READ_ONCE, shared, WRITE_ONCE } from '../../src/sync/shared.js';
import { DEFINE_SPINLOCK, spin_lock, spin_unlock } from '../../src/sync/spinlock.js';
import {
  DECLARE_WAIT_QUEUE_HEAD,
  finish_wait,
  prepare_to_wait,
  schedule,
  TASK_UNINTERRUPTIBLE,
  task_state,
  wake_up,
} from '../../src/sync/waitqueue.js';
import {
  alloc_workqueue,
  flush_work,
  INIT_WORK,
  queue_work,
  track_running_work,
} from '../../src/sync/workqueue.js';
import { canRun, runActor, spawnActor } from '../helpers/drive.js';

// The primitives user models build on (mutex, spinlock, completion, wait queues, shared variables,
// flush_work), stepped by hand.

describe('mutex', () => {
  it('blocks a second locker in D state, names the owner, and lets it in on unlock', () => {
    const w = new World();
    const m = DEFINE_MUTEX(w, 'A');
    const a = spawnActor(w, 'a', function* (cx) {
      yield* mutex_lock(cx, m);
      yield* mutex_unlock(cx, m);
    });
    const b = spawnActor(w, 'b', (cx) => mutex_lock(cx, m));
    runActor(w, a);
    expect(m.owner).toBe(a);
    expect(a.held.map((h) => h.lock)).toEqual([m]);
    expect(canRun(w, b)).toBe(false);
    expect(b.pending!.wait!.state).toBe('D');
    expect(m.providers().map((p) => p.actor)).toEqual([a]);
    runActor(w, a);
    expect(a.held).toEqual([]);
    runActor(w, b);
    expect(m.owner).toBe(b);
  });

  it('trylock fails without blocking; unlock by a non-owner is a model error', () => {
    const w = new World();
    const m = DEFINE_MUTEX(w, 'A');
    const got: boolean[] = [];
    const a = spawnActor(w, 'a', (cx) => mutex_lock(cx, m));
    const b = spawnActor(w, 'b', function* (cx) {
      got.push(yield* mutex_trylock(cx, m));
      yield* mutex_unlock(cx, m);
    });
    runActor(w, a);
    runActor(w, b);
    expect(got).toEqual([false]);
    expect(() => runActor(w, b)).toThrow('mutex_unlock(A) by b/101, not its owner');
  });
});

describe('spinlock', () => {
  it('makes a contender spin (state R) and has the {2:2} wait type', () => {
    const w = new World();
    const l = DEFINE_SPINLOCK(w, 'L');
    const a = spawnActor(w, 'a', function* (cx) {
      yield* spin_lock(cx, l);
      yield* spin_unlock(cx, l);
    });
    const b = spawnActor(w, 'b', (cx) => spin_lock(cx, l));
    runActor(w, a);
    expect(b.pending!.wait!.state).toBe('R');
    expect(l.lockClass.wait).toEqual([2, 2]);
    runActor(w, a);
    runActor(w, b);
  });
});

describe('completion', () => {
  it('counts completions: one complete lets one wait pass, complete_all lets every wait pass', () => {
    const w = new World();
    const x = DECLARE_COMPLETION(w, 'done');
    const got: boolean[] = [];
    const waiter = spawnActor(w, 'w', function* (cx) {
      yield* wait_for_completion(cx, x);
      got.push(yield* try_wait_for_completion(cx, x));
      yield* wait_for_completion(cx, x);
      yield* wait_for_completion(cx, x);
    });
    const c = spawnActor(w, 'c', function* (cx) {
      yield* complete(cx, x);
      yield* complete_all(cx, x);
    });
    expect(canRun(w, waiter)).toBe(false);
    runActor(w, c);
    runActor(w, waiter, 2);
    expect(got).toEqual([false]);
    expect(canRun(w, waiter)).toBe(false);
    runActor(w, c);
    runActor(w, waiter, 2);
    expect(waiter.status()).toBe('exited');
  });
});

describe('wait queue', () => {
  it('wakes a task queued before the wake-up, and loses a wake-up that comes first', () => {
    const w = new World();
    const wq = DECLARE_WAIT_QUEUE_HEAD(w, 'wq');
    const sleeper = spawnActor(w, 's', function* (cx) {
      yield* prepare_to_wait(cx, wq, TASK_UNINTERRUPTIBLE);
      yield* schedule(cx);
      yield* finish_wait(cx, wq);
      yield* prepare_to_wait(cx, wq, TASK_UNINTERRUPTIBLE);
      yield* schedule(cx);
    });
    const waker = spawnActor(w, 'k', function* (cx) {
      yield* wake_up(cx, wq);
      yield* wake_up(cx, wq);
    });
    runActor(w, sleeper);
    expect(wq.entries).toEqual([sleeper]);
    expect(waker.pending!.touches).toEqual([wq, task_state(w, sleeper)]);
    expect(canRun(w, sleeper)).toBe(false);
    expect(sleeper.pending!.wait!.until).toBe('a wake-up (queued on wq)');
    runActor(w, waker);
    expect(wq.entries).toEqual([]);
    runActor(w, sleeper, 2);
    runActor(w, waker); // nobody is queued: this wake-up is lost
    runActor(w, sleeper);
    expect(canRun(w, sleeper)).toBe(false);
    expect(sleeper.status()).toBe('blocked');
  });
});

describe('shared variable', () => {
  it('reads commute with reads, writes touch the variable', () => {
    const w = new World();
    const v = shared(w, 'flag', 0);
    const r = spawnActor(w, 'r', () => READ_ONCE(v));
    const wr = spawnActor(w, 'w', () => WRITE_ONCE(v, 1));
    expect(r.pending!.reads).toEqual([v]);
    expect(r.pending!.touches).toEqual([]);
    expect(wr.pending!.touches).toEqual([v]);
    runActor(w, wr);
    expect(v.value).toBe(1);
  });
});

describe('flush_work', () => {
  it('waits until the work item is neither pending nor running', () => {
    const w = new World();
    const wq = alloc_workqueue(
      w,
      'events',
      1,
      (i) => 201 + i,
      (actor) => ({ actor, world: w }),
    );
    track_running_work(wq, w);
    const m = DEFINE_MUTEX(w, 'M');
    const work = INIT_WORK('work', function* (cx) {
      yield* mutex_lock(cx, m);
      yield* mutex_unlock(cx, m);
    });
    const [kworker] = wq.workers;
    const t = spawnActor(w, 't', function* (cx) {
      yield* queue_work(wq, work);
      yield* flush_work(cx, work);
    });
    runActor(w, t);
    expect(canRun(w, t)).toBe(true); // lockdep's map step comes first; with no lockdep it still runs
    runActor(w, t);
    expect(canRun(w, t)).toBe(false);
    runActor(w, kworker!, 3); // take, lock, unlock
    expect(wq.running.size).toBe(1);
    expect(canRun(w, t)).toBe(false);
    runActor(w, kworker!); // done
    runActor(w, t);
    expect(t.status()).toBe('exited');
  });
});
