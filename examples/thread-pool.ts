// A thread-pool deadlock: a work item waits for another item queued behind it on a workqueue
// with a single worker, so the item it waits for never runs.
// Run it: npx lockstep check examples/thread-pool.ts          (deadlock)
//         npx lockstep check examples/thread-pool.ts --param workers=2   (ok)
import {
  complete,
  defineModel,
  flush_work,
  INIT_WORK,
  intParam,
  queue_work,
  wait_for_completion,
} from 'lockstep';

export default defineModel({
  name: 'thread-pool',
  summary: 'work item A waits for work item B, queued behind it on the same pool',
  expect: 'deadlock',
  params: [{ name: 'workers', doc: 'kworkers serving the workqueue', default: 1, min: 1, max: 4 }],
  setup: (m, p) => {
    const wq = m.workqueue('events_ordered', { workers: intParam(p, 'workers') });
    const ready = m.completion('ready');
    const a = INIT_WORK('work_a', function* (cx) {
      yield* wait_for_completion(cx, ready);
    });
    const b = INIT_WORK('work_b', function* (cx) {
      yield* complete(cx, ready);
    });
    return { wq, a, b };
  },
  threads: {
    *submitter(cx, { wq, a, b }) {
      yield* queue_work(wq, a);
      yield* queue_work(wq, b);
      yield* flush_work(cx, a);
    },
  },
});
