// Two threads take two mutexes in opposite orders: the classic ABBA deadlock.
// Run it: npx lockstep check examples/abba.ts
import { defineModel, mutex_lock, mutex_unlock } from 'lockstep';

export default defineModel({
  name: 'abba',
  summary: 'two threads take mutexes A and B in opposite orders',
  expect: 'deadlock',
  setup: (m) => ({ a: m.mutex('A'), b: m.mutex('B') }),
  threads: {
    *t1(cx, { a, b }) {
      yield* mutex_lock(cx, a);
      yield* mutex_lock(cx, b);
      yield* mutex_unlock(cx, b);
      yield* mutex_unlock(cx, a);
    },
    *t2(cx, { a, b }) {
      yield* mutex_lock(cx, b);
      yield* mutex_lock(cx, a);
      yield* mutex_unlock(cx, a);
      yield* mutex_unlock(cx, b);
    },
  },
});
