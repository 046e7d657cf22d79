import { ModelAssertion } from '../core/errors.js';
import { FALLOC_FL_KEEP_SIZE } from '../kernel/fs/fs.js';
import type { Kcx } from '../kernel/sched.js';
import { FILE_SIZE, FS_PARAM, machine, RING_PARAM, ringFlags } from './common.js';
import { choiceParam, type Params, type Scenario } from './scenario.js';
import { fallocate, openDirect } from './user/libc.js';
import {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe_nr,
} from './user/liburing.js';

/**
 * Reference S4, Dave Chinner's case through io_uring: W1, an aligned overwrite, is in flight
 * with its completion deferred to the task; W2, an unaligned write to the same inode, needs the
 * exclusive lock and drains in-flight direct I/O (inode_dio_wait); then the task waits for both
 * CQEs. W2 either appends (extending) or lands in unwritten blocks preallocated past EOF.
 */
function* unalignedDio(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  const w2 = choiceParam(p, 'w2');
  let at = FILE_SIZE;
  if (w2 === 'unwritten') {
    // Unwritten blocks inside i_size: preallocate 8 KiB past EOF, growing the file.
    const err = yield* fallocate(cx, fd, 0, FILE_SIZE, 8192);
    if (err) throw new ModelAssertion(`fallocate failed: ${err}`);
    at = FILE_SIZE + 512;
  } else if (w2 === 'unwritten-keep') {
    // Unwritten blocks past EOF (FALLOC_FL_KEEP_SIZE): W2 is also extending.
    const err = yield* fallocate(cx, fd, FALLOC_FL_KEEP_SIZE, FILE_SIZE, 8192);
    if (err) throw new ModelAssertion(`fallocate failed: ${err}`);
  }
  const ring = yield* io_uring_queue_init(cx, 8, ringFlags(p));
  io_uring_prep_write(ring, fd, 4096, 0, 1);
  io_uring_prep_write(ring, fd, 512, at, 2);
  const n = yield* io_uring_submit(cx, ring);
  if (n !== 2) throw new ModelAssertion(`io_uring_submit returned ${n}, expected 2`);
  const cqes = yield* io_uring_wait_cqe_nr(cx, ring, 2);
  for (const c of cqes) {
    const want = c.user_data === 1 ? 4096 : 512;
    if (c.res !== want) throw new ModelAssertion(`CQE ${c.user_data} res ${c.res}, expected ${want}`);
  }
}

/** S4: an unaligned io_uring write drains in-flight direct I/O from an io-wq worker. */
export const unalignedDioScenario: Scenario = {
  name: 'unaligned-dio',
  summary:
    "S4, Chinner's case: aligned write in flight, then an unaligned write to the same file, wait for both",
  params: [
    FS_PARAM,
    RING_PARAM,
    {
      name: 'w2',
      doc: 'the unaligned write: append at EOF, into unwritten blocks inside EOF, or into unwritten blocks past EOF',
      default: 'append',
      values: ['append', 'unwritten', 'unwritten-keep'],
    },
  ],
  expect: { 'v6.6-rc7': 'ok', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'ok' },
  setup: machine,
  tasks: (p) => [{ comm: 'unaligned-dio', pid: 506, program: (cx) => unalignedDio(cx, p) }],
};
