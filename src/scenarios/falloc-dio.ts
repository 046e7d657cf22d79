import { ModelAssertion } from '../core/errors.js';
import type { Kcx } from '../kernel/sched.js';
import type { Params, Scenario } from './scenario.js';
import { fallocate, MiB, openDirect, retry_eagain } from './user/libc.js';
import {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
} from './user/liburing.js';

/**
 * Jens Axboe's reproducer from the thread (reference 9): one task, a ring with flags 0, an
 * O_DIRECT file prefilled to 128 MiB. Each loop submits a 4 KiB write at a rotating offset inside
 * the file (a pure overwrite), calls posix_fallocate(fd, 0, growing length), then waits for the CQE.
 */
function* fallocDio(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, 0);
  for (let i = 0; i < p['loops']!; i++) {
    io_uring_prep_write(ring, fd, 4096, (i * 4096 * 7) % (128 * MiB), i + 1);
    yield* io_uring_submit(cx, ring);
    // posix_fallocate; on the fallocate-nowait variant the caller retries -EAGAIN.
    const err = yield* retry_eagain(cx, () => fallocate(cx, fd, 0, 0, (i + 1) * 4096));
    if (err) throw new ModelAssertion(`fallocate failed: ${err}`);
    const cqe = yield* io_uring_wait_cqe(cx, ring);
    if (cqe.res !== 4096) throw new ModelAssertion(`write CQE res ${cqe.res}, expected 4096`);
  }
}

/** The seed: an io_uring O_DIRECT overwrite, then fallocate on the same file, then reap the CQE. */
export const fallocDioScenario: Scenario = {
  name: 'falloc-dio',
  summary: "Jens Axboe's reproducer: io_uring O_DIRECT write, then fallocate, then wait for the CQE",
  params: [
    {
      name: 'loops',
      doc: 'iterations of write, fallocate, wait (the looping form)',
      default: 1,
      min: 1,
      max: 8,
    },
  ],
  expect: { 'v6.6-rc7': 'deadlock', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'ok' },
  setup: () => ({ fs: 'xfs', fileSize: 128 * MiB }),
  tasks: (p) => [{ comm: 'falloc-dio', pid: 502, program: (cx) => fallocDio(cx, p) }],
};
