// flush_work() called while holding a lock that the work item needs: the flusher waits for the
// work, the work waits for the lock. With --config lockdep=1, lockdep reports it from the work
// item's lockdep map.
// Run it: npx lockstep check examples/flush-work.ts
import {
  defineModel,
  flush_work,
  INIT_WORK,
  kfunc,
  type ModelCx,
  type ModelSetup,
  mutex_lock,
  mutex_unlock,
  queue_work,
  WRITE_ONCE,
} from 'lockstep';

const FILE = 'drivers/example/dev.c';

function setup(m: ModelSetup) {
  const lock = m.mutex('&dev->lock');
  const stats = m.variable('dev->stats', 0);
  // The work item: dev_stats_work() updates the statistics under dev->lock.
  const work = INIT_WORK(
    'dev->stats_work',
    kfunc(FILE, function* dev_stats_work(cx: ModelCx) {
      yield* mutex_lock(cx, lock);
      yield* WRITE_ONCE(stats, 1);
      yield* mutex_unlock(cx, lock);
    }),
  );
  return { lock, work, wq: m.workqueue('events') };
}
type Dev = ReturnType<typeof setup>;

// dev_remove() tears the device down: it must wait for the statistics work to finish.
const dev_remove = kfunc(FILE, function* dev_remove(cx: ModelCx, dev: Dev) {
  yield* mutex_lock(cx, dev.lock);
  yield* flush_work(cx, dev.work); // BUG: the work needs dev->lock
  yield* mutex_unlock(cx, dev.lock);
});

const dev_remove_fixed = kfunc(FILE, function* dev_remove_fixed(cx: ModelCx, dev: Dev) {
  yield* flush_work(cx, dev.work);
  yield* mutex_lock(cx, dev.lock);
  yield* mutex_unlock(cx, dev.lock);
});

export default defineModel({
  name: 'flush-under-lock',
  summary: 'dev_remove flushes the stats work while holding the lock the work takes',
  expect: 'deadlock',
  setup,
  threads: {
    *irq_thread(_cx, dev) {
      yield* queue_work(dev.wq, dev.work);
    },
    *rmmod(cx, dev) {
      yield* dev_remove(cx, dev);
    },
  },
});

export const fixed = defineModel({
  name: 'flush-then-lock',
  summary: 'the same, flushing before taking the lock',
  expect: 'ok',
  setup,
  threads: {
    *irq_thread(_cx, dev) {
      yield* queue_work(dev.wq, dev.work);
    },
    *rmmod(cx, dev) {
      yield* dev_remove_fixed(cx, dev);
    },
  },
});
