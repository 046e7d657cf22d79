// A kernel scenario of your own: Jens Axboe's reproducer, written as a user would. The kernel is
// booted (XFS on an NVMe disk), and the task makes real model syscalls through liburing and libc.
// Run it: npx lockstep check examples/kernel-scenario.ts                   (every variant in expect)
//         npx lockstep check examples/kernel-scenario.ts --kernel v6.6     (one variant)
import {
  assert,
  defineScenario,
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
  type Kcx,
  MiB,
  openDirect,
  posix_fallocate,
} from 'lockstep';

function* writeThenFallocate(cx: Kcx) {
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, 0);
  io_uring_prep_write(ring, fd, 4096, 0, 1);
  yield* io_uring_submit(cx, ring);
  // The write may still be in flight: fallocate drains direct I/O first (inode_dio_wait).
  assert((yield* posix_fallocate(cx, fd, 0, 4096)) === 0, 'posix_fallocate failed');
  const cqe = yield* io_uring_wait_cqe(cx, ring);
  assert(cqe.res === 4096, `write CQE res ${cqe.res}`);
}

export default defineScenario({
  name: 'my-falloc-dio',
  summary: 'io_uring O_DIRECT write, then posix_fallocate before reaping the CQE',
  params: [],
  expect: { 'v6.6-rc7': 'deadlock', 'v6.6': 'ok' },
  setup: () => ({ fs: 'xfs', fileSize: 128 * MiB }),
  tasks: () => [{ comm: 'my-falloc', pid: 700, program: writeThenFallocate }],
});
