import { ModelAssertion } from '../../core/errors.js';
import { atomic, type Program, run } from '../../core/op.js';
import {
  __x64_sys_io_uring_enter,
  __x64_sys_io_uring_setup,
  push_sqe,
  ring,
} from '../../kernel/io_uring/io_uring.js';
import {
  IORING_ENTER_GETEVENTS,
  IORING_OP_WRITE,
  type io_ring_ctx,
  type io_uring_cqe,
} from '../../kernel/io_uring/types.js';
import { syscall } from '../../kernel/kernel/entry.js';
import { current, type Kcx } from '../../kernel/sched.js';

/** liburing's struct io_uring: the ring fd and its mapped rings. */
export interface IoUring {
  readonly fd: number;
  readonly ctx: io_ring_ctx;
  /** SQEs prepared and not yet submitted. */
  pending: number;
}

/** io_uring_queue_init: io_uring_setup(2) and the ring mappings. */
export function* io_uring_queue_init(cx: Kcx, entries: number, flags: number): Program<IoUring> {
  const fd = yield* syscall(cx, `io_uring_setup(${entries}, flags=0x${flags.toString(16)})`, () =>
    __x64_sys_io_uring_setup(cx, entries, flags),
  );
  if (fd < 0) throw new ModelAssertion(`io_uring_setup failed: ${fd}`);
  return { fd, ctx: ring(current(cx), fd)!, pending: 0 };
}

/** SQE options: IOSQE_* flags and RWF_* flags. */
export interface SqeOptions {
  readonly flags?: number;
  readonly rw_flags?: number;
}

/** io_uring_get_sqe + io_uring_prep_write: queue a write SQE in the SQ ring (user memory). */
export function io_uring_prep_write(
  r: IoUring,
  fd: number,
  len: number,
  off: number,
  user_data: number,
  opts: SqeOptions = {},
): void {
  push_sqe(r.ctx, { opcode: IORING_OP_WRITE, fd, off, len, user_data, ...opts });
  r.pending++;
}

/** io_uring_submit: io_uring_enter(2) with the prepared SQEs. */
export function* io_uring_submit(cx: Kcx, r: IoUring): Program<number> {
  const n = r.pending;
  r.pending = 0;
  return yield* syscall(cx, `io_uring_enter(${r.fd}, to_submit=${n})`, () =>
    __x64_sys_io_uring_enter(cx, r.fd, n, 0, 0),
  );
}

/**
 * io_uring_wait_cqe_nr: wait until `n` CQEs are in the CQ ring, entering the kernel with
 * IORING_ENTER_GETEVENTS and min_complete = n (the kernel counts from the CQ head, so CQEs
 * already posted and not yet consumed count); then consume them.
 */
export function* io_uring_wait_cqe_nr(cx: Kcx, r: IoUring, n: number): Program<io_uring_cqe[]> {
  for (;;) {
    const have = yield* run(atomic('io_uring_peek_batch_cqe (user space)', [r.ctx], () => r.ctx.cq.length));
    if (have >= n) {
      return yield* run(atomic('io_uring_cq_advance (user space)', [r.ctx], () => r.ctx.cq.splice(0, n)));
    }
    const ret = yield* syscall(cx, `io_uring_enter(${r.fd}, GETEVENTS, min_complete=${n})`, () =>
      __x64_sys_io_uring_enter(cx, r.fd, 0, n, IORING_ENTER_GETEVENTS),
    );
    if (ret < 0 && ret !== -4) throw new ModelAssertion(`io_uring_enter(GETEVENTS) failed: ${ret}`);
  }
}

/**
 * io_uring_wait_cqe: peek the CQ ring in user memory; if it is empty, io_uring_enter(2) with
 * IORING_ENTER_GETEVENTS and min_complete=1, then peek again. Consumes the CQE (io_uring_cqe_seen).
 */
export function* io_uring_wait_cqe(cx: Kcx, r: IoUring): Program<io_uring_cqe> {
  for (;;) {
    const cqe = yield* run(atomic('io_uring_peek_cqe (user space)', [r.ctx], () => r.ctx.cq.shift() ?? null));
    if (cqe) return cqe;
    const ret = yield* syscall(cx, `io_uring_enter(${r.fd}, GETEVENTS, min_complete=1)`, () =>
      __x64_sys_io_uring_enter(cx, r.fd, 0, 1, IORING_ENTER_GETEVENTS),
    );
    if (ret < 0 && ret !== -4) throw new ModelAssertion(`io_uring_enter(GETEVENTS) failed: ${ret}`);
  }
}
