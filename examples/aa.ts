// A thread takes a mutex it already holds, through a helper: the AA self-deadlock.
// Run it: npx lockstep check examples/aa.ts
import { defineModel, kfunc, type ModelCx, type Mutex, mutex_lock, mutex_unlock } from 'lockstep';

interface Dev {
  readonly lock: Mutex;
}

// A model function keeps its kernel name and cites its file: call traces show it.
const dev_update_stats = kfunc('drivers/example/dev.c', function* dev_update_stats(cx: ModelCx, dev: Dev) {
  yield* mutex_lock(cx, dev.lock);
  yield* mutex_unlock(cx, dev.lock);
});

export default defineModel({
  name: 'aa',
  summary: 'dev_ioctl holds dev->lock and calls a helper that takes it again',
  expect: 'deadlock',
  setup: (m): Dev => ({ lock: m.mutex('&dev->lock') }),
  threads: {
    *ioctl(cx, dev) {
      yield* mutex_lock(cx, dev.lock);
      yield* dev_update_stats(cx, dev);
      yield* mutex_unlock(cx, dev.lock);
    },
  },
});
