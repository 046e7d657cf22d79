import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { atomic, type Program } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import { alloc_workqueue, queue_work, type WorkStruct } from '../../src/sync/workqueue.js';
import { runActor, spawnActor, type TestCx } from '../helpers/drive.js';

function setup(workers: number, record = false) {
  const w = new World({ record });
  const wq = alloc_workqueue(
    w,
    'dio/nvme0n1',
    workers,
    (i) => 40 + i,
    (actor: Actor): TestCx => ({ actor, world: w }),
  );
  return { w, wq };
}

/** A work item that logs who ran it and its frames, in two steps. */
function item(log: string[], name: string): WorkStruct<TestCx> {
  return {
    name,
    func: function* (cx: TestCx): Program<void> {
      log.push(`${name} on ${cx.actor.comm}: ${cx.actor.frames.map((f) => f.name).join('/')}`);
      yield atomic(`${name}: body`, [], () => undefined);
    },
  };
}

/** Queues each item from a fresh task, one step each; returns queue_work's results. */
function queueAll(w: World, wq: ReturnType<typeof setup>['wq'], items: WorkStruct<TestCx>[]): boolean[] {
  const results: boolean[] = [];
  const q = spawnActor(w, 'queuer', function* () {
    for (const work of items) results.push(yield* queue_work(wq, work));
  });
  runActor(w, q, items.length);
  return results;
}

describe('alloc_workqueue', () => {
  it('spawns idle kworkers named kworker/0:N with the given pids', () => {
    const { w, wq } = setup(3);
    expect(wq.name).toBe('dio/nvme0n1');
    expect(wq.workers.map((a) => [a.comm, a.pid, a.kind])).toEqual([
      ['kworker/0:1', 40, 'kthread'],
      ['kworker/0:2', 41, 'kthread'],
      ['kworker/0:3', 42, 'kthread'],
    ]);
    expect(wq.workers.map((a) => a.status())).toEqual(['idle', 'idle', 'idle']);
    expect(w.blocked()).toEqual([]);
    expect(w.choices()).toEqual([]);
    expect(wq.providers().map((p) => p.actor)).toEqual(wq.workers);
    expect(wq.providers()[0]!.how).toBe('run work queued on dio/nvme0n1');
  });

  it('a waiting kworker sits in worker_thread under kthread and ret_from_fork', () => {
    const { wq } = setup(1);
    const k = wq.workers[0]!;
    expect(k.frames.map((f) => `${f.file}:${f.name}`)).toEqual([
      'arch/x86/entry/entry_64.S:ret_from_fork',
      'kernel/kthread.c:kthread',
      'kernel/workqueue.c:worker_thread',
    ]);
    expect(k.pending!.wait).toMatchObject({ idle: true, object: wq });
  });
});

describe('queue_work', () => {
  it('wakes a worker, which runs the item inside process_one_work and goes idle again', () => {
    const { w, wq } = setup(1, true);
    const log: string[] = [];
    const k = wq.workers[0]!;
    expect(queueAll(w, wq, [item(log, 'complete')])).toEqual([true]);
    expect(w.trace!.at(-1)!.wakes).toEqual([k.id]);
    expect(k.status()).toBe('runnable');
    runActor(w, k); // takes the item
    expect(wq.pending).toEqual([]);
    expect(log).toEqual(['complete on kworker/0:1: ret_from_fork/kthread/worker_thread/process_one_work']);
    runActor(w, k); // the item's body
    expect(k.status()).toBe('idle');
    expect(k.frames.map((f) => f.name)).toEqual(['ret_from_fork', 'kthread', 'worker_thread']);
  });

  it('returns false for an item that is still pending, and true again once a worker took it', () => {
    const { w, wq } = setup(1);
    const log: string[] = [];
    const work = item(log, 'w');
    expect(queueAll(w, wq, [work, work])).toEqual([true, false]);
    expect(wq.pending).toEqual([work]);
    runActor(w, wq.workers[0]!);
    expect(queueAll(w, wq, [work])).toEqual([true]);
    expect(wq.pending).toEqual([work]);
  });

  it('runs items in the order they were queued', () => {
    const { w, wq } = setup(1);
    const log: string[] = [];
    queueAll(w, wq, [item(log, 'a'), item(log, 'b'), item(log, 'c')]);
    const k = wq.workers[0]!;
    runActor(w, k, 6);
    expect(log.map((l) => l.split(' ')[0])).toEqual(['a', 'b', 'c']);
    expect(k.status()).toBe('idle');
  });

  it('one item wakes every idle worker, but only one takes it', () => {
    const { w, wq } = setup(2);
    const log: string[] = [];
    const [k1, k2] = [wq.workers[0]!, wq.workers[1]!];
    queueAll(w, wq, [item(log, 'only')]);
    expect([k1.status(), k2.status()]).toEqual(['runnable', 'runnable']);
    runActor(w, k2);
    expect(log).toEqual(['only on kworker/0:2: ret_from_fork/kthread/worker_thread/process_one_work']);
    expect(k1.status()).toBe('idle');
    expect(w.blocked()).toEqual([]);
  });
});
