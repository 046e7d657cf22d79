// A lost wake-up with an explicit wait queue: the waiter tests the condition before it is on the
// queue, so a wake_up() in between finds nobody to wake.
// Run it: npx lockstep check examples/lost-wakeup.ts
import {
  defineModel,
  finish_wait,
  type ModelCx,
  type ModelSetup,
  prepare_to_wait,
  READ_ONCE,
  schedule,
  TASK_UNINTERRUPTIBLE,
  WRITE_ONCE,
  wake_up,
} from 'lockstep';

const setup = (m: ModelSetup) => ({ wq: m.waitqueue('dev->wq'), ready: m.variable('dev->ready', false) });
type Dev = ReturnType<typeof setup>;

function* waker(cx: ModelCx, { wq, ready }: Dev) {
  yield* WRITE_ONCE(ready, true);
  yield* wake_up(cx, wq);
}

/** The buggy order: test, then queue and sleep. */
export default defineModel({
  name: 'lost-wakeup',
  summary: 'tests the condition before prepare_to_wait: the wake-up can be lost',
  expect: 'deadlock',
  setup,
  threads: {
    *waiter(cx, { wq, ready }) {
      if (!(yield* READ_ONCE(ready))) {
        yield* prepare_to_wait(cx, wq, TASK_UNINTERRUPTIBLE);
        yield* schedule(cx);
        yield* finish_wait(cx, wq);
      }
    },
    waker,
  },
});

/** The correct order (include/linux/wait.h: ___wait_event): queue, set the state, test, sleep. */
export const fixed = defineModel({
  name: 'wait-event',
  summary: 'prepare_to_wait, then test the condition, then schedule: no wake-up is lost',
  expect: 'ok',
  setup,
  threads: {
    *waiter(cx, { wq, ready }) {
      for (;;) {
        yield* prepare_to_wait(cx, wq, TASK_UNINTERRUPTIBLE);
        if (yield* READ_ONCE(ready)) break;
        yield* schedule(cx);
      }
      yield* finish_wait(cx, wq);
    },
    waker,
  },
});
