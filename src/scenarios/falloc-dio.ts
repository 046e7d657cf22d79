import { ModelAssertion } from '../core/errors.js';
import { IOSQE_ASYNC, RWF_NOWAIT } from '../kernel/io_uring/types.js';
import type { Kcx } from '../kernel/sched.js';
import { SIGKILL, SIGUSR1 } from '../sync/thread-info.js';
import { drainOp, FS_PARAM, loopsParam, machine, OP_PARAM, RING_PARAM, ringFlags } from './common.js';
import { choiceParam, intParam, type Params, type Scenario, type UserTask } from './scenario.js';
import { kill, MiB, openDirect, sigaction } from './user/libc.js';
import {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
  type SqeOptions,
} from './user/liburing.js';

/**
 * Jens Axboe's reproducer from the thread (reference 9): one task, a ring, an O_DIRECT file
 * prefilled to 128 MiB. Each loop submits a 4 KiB write at a rotating offset inside the file (a
 * pure overwrite), calls posix_fallocate(fd, 0, growing length), then waits for the CQE.
 */
function* fallocDio(cx: Kcx, p: Params) {
  const signal = choiceParam(p, 'signal');
  if (signal === 'usr1' || signal === 'usr1-restart')
    yield* sigaction(cx, SIGUSR1, signal === 'usr1-restart');
  const fd = yield* openDirect(cx);
  const ring = yield* io_uring_queue_init(cx, 8, ringFlags(p));
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    io_uring_prep_write(
      ring,
      fd,
      4096,
      (i * 4096 * 7) % (128 * MiB),
      i + 1,
      SQE_OPTIONS[choiceParam(p, 'sqe')],
    );
    yield* io_uring_submit(cx, ring);
    // posix_fallocate; on the fallocate-nowait variant the caller retries -EAGAIN.
    const err = yield* drainOp(cx, fd, p, i);
    if (err) throw new ModelAssertion(`${p['op']} failed: ${err}`);
    const cqe = yield* io_uring_wait_cqe(cx, ring);
    if (cqe.res !== 4096) throw new ModelAssertion(`write CQE res ${cqe.res}, expected 4096`);
  }
}

/** What each `--param sqe=` value sets on the write SQE. */
const SQE_OPTIONS: Readonly<Record<string, SqeOptions>> = {
  plain: {},
  async: { flags: IOSQE_ASYNC },
  nowait: { rw_flags: RWF_NOWAIT },
};

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
      name: 'sqe',
      doc: 'the write SQE: plain, IOSQE_ASYNC (issued by an io-wq worker), or RWF_NOWAIT (-EAGAIN to user space)',
      default: 'plain',
      values: Object.keys(SQE_OPTIONS),
    },
    {
      name: 'signal',
      doc: 'another process sends the task one signal at any time: SIGKILL, or SIGUSR1 to a handler without or with SA_RESTART',
      default: 'none',
      values: ['none', 'kill', 'usr1', 'usr1-restart'],
    },
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
    const signal = choiceParam(p, 'signal');
    if (signal !== 'none') {
      const sig = signal === 'kill' ? SIGKILL : SIGUSR1;
      tasks.push({
        comm: 'kill',
        pid: 520,
        program: function* (cx) {
          const ret = yield* kill(cx, 502, sig);
          if (ret !== 0 && ret !== -3) throw new ModelAssertion(`kill failed: ${ret}`);
        },
      });
    }
    for (let n = 0; n < intParam(p, 'writers'); n++) {
      tasks.push({ comm: 'dio-writer', pid: 510 + n, program: (cx) => writer(cx, p, n) });
    }
    return tasks;
  },
};
