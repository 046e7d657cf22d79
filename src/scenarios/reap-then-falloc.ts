import { ModelAssertion } from '../core/errors.js';
import type { Kcx } from '../kernel/sched.js';
import { drainOp, FS_PARAM, loopsParam, machine, OP_PARAM, RING_PARAM, ringFlags } from './common.js';
import { intParam, type Params, type Scenario } from './scenario.js';
import { openDirect } from './user/libc.js';
import {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
} from './user/liburing.js';

/** Reference S3: submit the write, wait for its CQE, and only then fallocate. */
function* reapThenFalloc(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, ringFlags(p));
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    io_uring_prep_write(ring, fd, 4096, i * 4096, i + 1);
    yield* io_uring_submit(cx, ring);
    const cqe = yield* io_uring_wait_cqe(cx, ring);
    if (cqe.res !== 4096) throw new ModelAssertion(`write CQE res ${cqe.res}, expected 4096`);
    const err = yield* drainOp(cx, fd, p, i);
    if (err) throw new ModelAssertion(`${p['op']} failed: ${err}`);
  }
}

/** S3: the CQE is reaped before fallocate, so i_dio_count is already back to zero. */
export const reapThenFallocScenario: Scenario = {
  name: 'reap-then-falloc',
  summary: 'S3: io_uring O_DIRECT write, wait for its CQE, then fallocate',
  params: [loopsParam('iterations of write, wait, fallocate'), FS_PARAM, RING_PARAM, OP_PARAM],
  expect: { 'v6.6-rc7': 'ok', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'ok' },
  setup: machine,
  tasks: (p) => [{ comm: 'reap-falloc', pid: 503, program: (cx) => reapThenFalloc(cx, p) }],
};
