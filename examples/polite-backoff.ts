// Two polite threads: each takes its first mutex, tries the other, and on failure backs off and
// retries. Neither ever waits, so nothing deadlocks, but in lockstep they collide forever.
// Run it: npx lockstep check examples/polite-backoff.ts
import { defineModel, type ModelCx, type Mutex, mutex_lock, mutex_trylock, mutex_unlock } from 'lockstep';

/** Takes `first`, then tries `second`; backs off (drops `first`) and retries until both are held. */
function* lockBoth(cx: ModelCx, first: Mutex, second: Mutex) {
  for (;;) {
    yield* mutex_lock(cx, first);
    if (yield* mutex_trylock(cx, second)) return;
    yield* mutex_unlock(cx, first);
  }
}

export default defineModel({
  name: 'polite-backoff',
  summary: 'two threads take A and B in opposite orders, backing off when the second is taken',
  expect: 'livelock',
  setup: (m) => ({ a: m.mutex('A'), b: m.mutex('B') }),
  threads: {
    *t1(cx, { a, b }) {
      yield* lockBoth(cx, a, b);
      yield* mutex_unlock(cx, b);
      yield* mutex_unlock(cx, a);
    },
    *t2(cx, { a, b }) {
      yield* lockBoth(cx, b, a);
      yield* mutex_unlock(cx, a);
      yield* mutex_unlock(cx, b);
    },
  },
});
