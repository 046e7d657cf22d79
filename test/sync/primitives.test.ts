import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { kfunc } from '../../src/core/frames.js';
import type { Program } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import { AtomicCounter, atomic_dec_and_test, atomic_inc, Obligation } from '../../src/sync/atomic-counter.js';
import { className, lockClass, usageString } from '../../src/sync/lock-class.js';
import {
  PercpuRwSemaphore,
  percpu_down_read,
  percpu_down_write,
  percpu_rwsem_acquire,
  percpu_rwsem_release,
  percpu_up_read,
} from '../../src/sync/percpu-rwsem.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  RwSemaphore,
  up_read,
  up_write,
} from '../../src/sync/rwsem.js';
import { TaskWorkList, type TaskWorkTarget, task_work_add, task_work_run } from '../../src/sync/task-work.js';
import { SIGKILL, ThreadInfo } from '../../src/sync/thread-info.js';
import { wait_event } from '../../src/sync/wait.js';
import { alloc_workqueue, queue_work } from '../../src/sync/workqueue.js';

type Cx = { actor: Actor; world: World };

function spawn(w: World, comm: string, body: (cx: Cx) => Program<unknown>): Actor {
  return w.spawn('task', comm, 100 + w.actors.length, (actor) =>
    (function* () {
      yield* body({ actor, world: w });
    })(),
  );
}

/** Steps one actor n times. */
function step(w: World, a: Actor, n = 1): void {
  for (let i = 0; i < n; i++) w.take({ actor: a.id, alt: 0 });
}

describe('rwsem', () => {
  const cls = lockClass('&sb->s_type->i_mutex_key', 17);
  it('lets readers share, blocks a writer in D state until they leave, and names the holders', () => {
    const w = new World();
    const sem = new RwSemaphore(w.oid(), cls);
    const take = kfunc('fs/test.c', function* xfs_ilock(cx: Cx) {
      yield* down_read(cx, sem);
    });
    const r1 = spawn(w, 'r1', function* (cx) {
      yield* take(cx);
      yield* up_read(cx, sem);
    });
    const r2 = spawn(w, 'r2', (cx) => down_read(cx, sem));
    const wr = spawn(w, 'wr', function* (cx) {
      yield* down_write(cx, sem);
      yield* up_write(cx, sem);
    });
    step(w, r1);
    step(w, r2);
    expect(sem.readers).toEqual([r1, r2]);
    expect(r1.held).toEqual([{ lock: sem, site: 'xfs_ilock', read: true }]);
    step(w, wr); // joins the wait list
    expect(wr.status()).toBe('blocked');
    expect(wr.pending!.wait!.state).toBe('D');
    expect(sem.providers().map((p) => p.actor)).toEqual([r1, r2]);
    step(w, r1);
    expect(r1.held).toEqual([]);
    expect(wr.status()).toBe('blocked');
  });
  it('trylock fails without blocking while a writer holds it', () => {
    const w = new World();
    const sem = new RwSemaphore(w.oid(), cls);
    const got: boolean[] = [];
    const wr = spawn(w, 'wr', (cx) => down_write(cx, sem));
    const tr = spawn(w, 'tr', function* (cx) {
      got.push(yield* down_read_trylock(cx, sem));
    });
    step(w, wr);
    expect(tr.status()).toBe('runnable');
    step(w, tr);
    expect(got).toEqual([false]);
    expect(sem.writer).toBe(wr);
  });
});

describe('percpu rwsem', () => {
  it('hands a read hold to I/O in flight and back, and a writer waits for it to drain', () => {
    const w = new World();
    const sem = new PercpuRwSemaphore(w.oid(), lockClass('sb_writers', 12, [0, 0]));
    let hold: ReturnType<typeof percpu_rwsem_release> | null = null;
    const sub = spawn(w, 'sub', function* (cx) {
      yield* percpu_down_read(cx, sem);
      hold = percpu_rwsem_release(cx, sem, 'a write in flight');
    });
    step(w, sub);
    expect(sub.held).toEqual([]);
    expect(sem.readers).toHaveLength(1);
    const frz = spawn(w, 'freeze', (cx) => percpu_down_write(cx, sem));
    step(w, frz);
    expect(frz.status()).toBe('blocked');
    const late = spawn(w, 'late', (cx) => percpu_down_read(cx, sem));
    expect(late.status()).toBe('blocked');
    const done = spawn(w, 'done', function* (cx) {
      percpu_rwsem_acquire(cx, sem, hold!);
      yield* percpu_up_read(cx, sem, hold!);
    });
    expect(done.held.map((h) => h.lock)).toEqual([sem]);
    step(w, done);
    expect(sem.readers).toEqual([]);
    expect(frz.status()).toBe('runnable');
  });
});

describe('atomic counter', () => {
  it('tracks who owes each decrement and refuses an unmatched one', () => {
    const w = new World();
    const c = new AtomicCounter(w.oid(), 'i_dio_count');
    const ob = new Obligation('the direct write', 'inode_dio_end');
    expect(atomic_inc(c, ob).perform(0)).toBe(1);
    ob.at(null, 'is in flight');
    expect(c.providers()).toEqual([
      { actor: null, how: 'run inode_dio_end for the direct write, which is in flight' },
    ]);
    expect(atomic_dec_and_test(c, ob).perform(0)).toBe(true);
    expect(() => atomic_dec_and_test(c, ob).perform(0)).toThrow(/no matching increment/);
  });
});

describe('task_work and wait_event', () => {
  function task(w: World, comm: string, body: (cx: Cx, t: TaskWorkTarget) => Program<unknown>) {
    let target: TaskWorkTarget | null = null;
    const actor = w.spawn('task', comm, 500, (a) => {
      target = { actor: a, ti: new ThreadInfo(w.oid(), comm), task_works: new TaskWorkList(w.oid(), a) };
      return (function* () {
        yield* body({ actor: a, world: w }, target!);
      })();
    });
    return { actor, t: target! };
  }

  it('TWA_SIGNAL sets TIF_NOTIFY_SIGNAL and the kick; NO_IPI only the flag; TWA_RESUME neither', () => {
    for (const [mode, notify, kicked] of [
      ['TWA_SIGNAL', true, true],
      ['TWA_SIGNAL_NO_IPI', true, false],
      ['TWA_RESUME', false, false],
    ] as const) {
      const w = new World();
      const { t } = task(w, 't', function* () {});
      const adder = spawn(w, 'irq', () => task_work_add(t, { name: 'cb', func: function* () {} }, mode));
      step(w, adder);
      expect([t.ti.notifySignal, t.ti.kicked, t.task_works.works.length]).toEqual([notify, kicked, 1]);
      expect(t.ti.flags()).toBe(notify ? 1 << 17 : 0);
    }
  });

  it('an uninterruptible sleep ignores TIF_NOTIFY_SIGNAL and SIGKILL; an interruptible one returns -ERESTARTSYS', () => {
    const w = new World();
    const obj = { oid: w.oid(), name: 'count' };
    const results: number[] = [];
    const sleeper = (state: 'D' | 'S' | 'K') =>
      task(w, state, function* (cx, t) {
        results.push(
          (yield wait_event(cx, {
            object: obj,
            until: 'never',
            cond: () => false,
            state,
            ti: t.ti,
          })) as number,
        );
      });
    const d = sleeper('D');
    const s = sleeper('S');
    const k = sleeper('K');
    for (const x of [d, s, k]) {
      x.t.ti.notifySignal = true;
    }
    expect([d.actor.status(), s.actor.status(), k.actor.status()]).toEqual([
      'blocked',
      'runnable',
      'blocked',
    ]);
    for (const x of [d, k]) {
      x.t.ti.sigpending = true;
      x.t.ti.signals.add(SIGKILL);
    }
    expect([d.actor.status(), k.actor.status()]).toEqual(['blocked', 'runnable']);
    step(w, s.actor);
    expect(results).toEqual([-512]);
  });

  it('task_work_run runs callbacks newest first, including ones queued while running', () => {
    const w = new World();
    const order: string[] = [];
    const { actor, t } = task(w, 't', function* (cx, tt) {
      yield* task_work_run(cx, tt);
    });
    const cb = (name: string, then?: () => Program<number>) => ({
      name,
      func: function* () {
        order.push(name);
        if (then) yield* then();
      },
    });
    const adder = spawn(w, 'adder', function* () {
      yield* task_work_add(
        t,
        cb('first', () => task_work_add(t, cb('third'), 'TWA_RESUME')),
        'TWA_RESUME',
      );
      yield* task_work_add(t, cb('second'), 'TWA_RESUME');
    });
    step(w, adder, 2);
    while (actor.status() === 'runnable') step(w, actor);
    expect(order).toEqual(['second', 'first', 'third']);
    t.task_works.exiting = true;
    const late = spawn(w, 'late', () => task_work_add(t, cb('x'), 'TWA_SIGNAL'));
    step(w, late);
    expect(t.task_works.works).toEqual([]);
  });
});

describe('workqueue', () => {
  it('has idle kworkers that run queued work in process_one_work', () => {
    const w = new World();
    const ran: string[] = [];
    const wq = alloc_workqueue(
      w,
      'dio/nvme0n1',
      1,
      (i) => 40 + i,
      (actor) => ({ actor, world: w }),
    );
    const worker = wq.workers[0]!;
    expect(worker.comm).toBe('kworker/0:1');
    expect(worker.status()).toBe('idle');
    expect(w.blocked()).toEqual([]);
    const item = {
      name: 'work',
      func: function* (cx: Cx) {
        ran.push(cx.actor.frames.map((f) => f.name).join('>'));
        yield* [];
      },
    };
    const results: boolean[] = [];
    const q = spawn(w, 'q', function* () {
      results.push(yield* queue_work(wq, item));
      results.push(yield* queue_work(wq, item));
    });
    step(w, q, 2);
    expect(results).toEqual([true, false]);
    step(w, worker);
    expect(ran).toEqual(['ret_from_fork>kthread>worker_thread>process_one_work']);
    expect(worker.status()).toBe('idle');
  });
});

describe('lock classes', () => {
  it('prints names with version and subclass, and usage bits by context', () => {
    expect(className(lockClass('sb_writers', 12))).toBe('sb_writers#12');
    expect(className(lockClass('mapping.invalidate_lock', 1, [3, 3], 1))).toBe('mapping.invalidate_lock/1');
    const w = new World();
    const wcls = lockClass('a');
    const rcls = lockClass('b');
    const both = lockClass('c');
    const irqcls = lockClass('d');
    const sems = [wcls, rcls, both, irqcls].map((c) => new RwSemaphore(w.oid(), c));
    spawn(w, 't', function* (cx) {
      yield* down_write(cx, sems[0]!);
      yield* down_read(cx, sems[1]!);
      yield* down_read(cx, sems[2]!);
      yield* up_read(cx, sems[2]!);
      yield* down_write(cx, sems[2]!);
    });
    w.spawn('irq', 'hardirq/x', 0, (actor) => down_write({ actor, world: w }, sems[3]!));
    for (let c = w.choices(); c.length > 0; c = w.choices()) w.take(c[0]!);
    expect([wcls, rcls, both, irqcls].map((c) => usageString(w, c))).toEqual([
      '+.+.',
      '.+.+',
      '++++',
      '-...',
    ]);
  });
});
