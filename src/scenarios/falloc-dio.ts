import { ModelAssertion } from '../core/errors.js';
import type { Kcx } from '../kernel/sched.js';
import { drainOp, FS_PARAM, loopsParam, machine, OP_PARAM, RING_PARAM, ringFlags } from './common.js';
import { intParam, type Params, type Scenario, type UserTask } from './scenario.js';
import { MiB, openDirect } from './user/libc.js';
import {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
} from './user/liburing.js';

/**
 * Jens Axboe's reproducer from the thread (reference 9): one task, a ring, an O_DIRECT file
 * prefilled to 128 MiB. Each loop submits a 4 KiB write at a rotating offset inside the file (a
 * pure overwrite), calls posix_fallocate(fd, 0, growing length), then waits for the CQE.
 */
function* fallocDio(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, ringFlags(p));
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    io_uring_prep_write(ring, fd, 4096, (i * 4096 * 7) % (128 * MiB), i + 1);
    yield* io_uring_submit(cx, ring);
    // posix_fallocate; on the fallocate-nowait variant the caller retries -EAGAIN.
    const err = yield* drainOp(cx, fd, p, i);
    if (err) throw new ModelAssertion(`${p['op']} failed: ${err}`);
    const cqe = yield* io_uring_wait_cqe(cx, ring);
    if (cqe.res !== 4096) throw new ModelAssertion(`write CQE res ${cqe.res}, expected 4096`);
  }
}

/** Another process writing the same file through its own ring: its writes pile up behind the inode lock. */
function* writer(cx: Kcx, p: Params, n: number) {
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, ringFlags(p));
  io_uring_prep_write(ring, fd, 4096, (n + 1) * MiB, 100 + n);
  yield* io_uring_submit(cx, ring);
  const cqe = yield* io_uring_wait_cqe(cx, ring);
  if (cqe.res !== 4096) throw new ModelAssertion(`write CQE res ${cqe.res}, expected 4096`);
}

/** Reference S1, the seed: an io_uring O_DIRECT overwrite, then fallocate on the same file, then reap the CQE. */
export const fallocDioScenario: Scenario = {
  name: 'falloc-dio',
  summary: "S1, Jens Axboe's reproducer: io_uring O_DIRECT write, then fallocate, then wait for the CQE",
  params: [
    loopsParam('iterations of write, fallocate, wait (the looping form)'),
    FS_PARAM,
    RING_PARAM,
    OP_PARAM,
    {
      name: 'writers',
      doc: 'other processes each writing the same file once through their own ring',
      default: 0,
      min: 0,
      max: 2,
    },
  ],
  expect: { 'v6.6-rc7': 'deadlock', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'ok' },
  setup: machine,
  tasks: (p) => {
    const tasks: UserTask[] = [{ comm: 'falloc-dio', pid: 502, program: (cx) => fallocDio(cx, p) }];
    for (let n = 0; n < intParam(p, 'writers'); n++) {
      tasks.push({ comm: 'dio-writer', pid: 510 + n, program: (cx) => writer(cx, p, n) });
    }
    return tasks;
  },
};
