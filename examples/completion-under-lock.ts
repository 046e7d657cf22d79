// A thread waits for a completion while holding the lock its completer needs first.
// Run it: npx lockstep check examples/completion-under-lock.ts
import {
  complete,
  defineModel,
  type ModelSetup,
  mutex_lock,
  mutex_unlock,
  wait_for_completion,
} from 'lockstep';

const setup = (m: ModelSetup) => ({
  lock: m.mutex('&dev->lock'),
  done: m.completion('dev->done'),
});

/** The bug: wait_for_completion() with dev->lock held; the completer takes dev->lock before complete(). */
export default defineModel({
  name: 'completion-under-lock',
  summary: 'wait_for_completion with the lock held that the completer needs',
  expect: 'deadlock',
  setup,
  threads: {
    *waiter(cx, { lock, done }) {
      yield* mutex_lock(cx, lock);
      yield* wait_for_completion(cx, done);
      yield* mutex_unlock(cx, lock);
    },
    *completer(cx, { lock, done }) {
      yield* mutex_lock(cx, lock);
      yield* mutex_unlock(cx, lock);
      yield* complete(cx, done);
    },
  },
});

/** The fix: drop the lock before waiting. */
export const fixed = defineModel({
  name: 'completion-dropped-lock',
  summary: 'the same, with the lock dropped before wait_for_completion',
  expect: 'ok',
  setup,
  threads: {
    *waiter(cx, { lock, done }) {
      yield* mutex_lock(cx, lock);
      yield* mutex_unlock(cx, lock);
      yield* wait_for_completion(cx, done);
    },
    *completer(cx, { lock, done }) {
      yield* mutex_lock(cx, lock);
      yield* mutex_unlock(cx, lock);
      yield* complete(cx, done);
    },
  },
});
