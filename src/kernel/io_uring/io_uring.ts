import { LockstepError } from '../../core/errors.js';
import { kfunc } from '../../core/frames.js';
import { EAGAIN, EBADF, EINVAL } from '../../sync/errno.js';
import { iocb_flags, kiocb } from '../fs/fs.js';
import { current, type Kcx, type task_struct } from '../sched.js';
import { io_wq, io_wq_enqueue } from './io-wq.js';
import { io_complete_rw, io_write } from './rw.js';
import { __io_req_task_work_add, io_req_task_complete, tctx_task_work } from './tw.js';
import {
  IORING_ENTER_GETEVENTS,
  IORING_OP_WRITE,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_TASKRUN_FLAG,
  io_kiocb,
  io_ring_ctx,
  type io_uring_sqe,
  io_uring_task,
} from './types.js';
import { io_cqring_wait } from './wait.js';

/** io_uring/io_uring.h: io_issue_sqe return values. */
export const IOU_OK = 0;
export const IOU_ISSUE_SKIP_COMPLETE = -529;

/** The setup flags this model implements. */
const SUPPORTED_SETUP =
  IORING_SETUP_COOP_TASKRUN |
  IORING_SETUP_TASKRUN_FLAG |
  IORING_SETUP_SINGLE_ISSUER |
  IORING_SETUP_DEFER_TASKRUN;

/** num_online_cpus() of the modelled machine (the io-wq bound depends on it). */
const NR_CPUS = 2;

/**
 * io_uring/io_uring.c: io_req_complete_post, how io-wq completes a request. A DEFER_TASKRUN ring
 * (ctx->task_complete) hands it to the submitter's local work (no lazy wake); otherwise the CQE
 * is posted here, under the completion lock, waking CQ waiters.
 */
export const io_req_complete_post = kfunc(
  'io_uring/io_uring.c',
  function* io_req_complete_post(cx: Kcx, req: io_kiocb) {
    if (req.ctx.task_complete) {
      req.io_task_work_func = io_req_task_complete;
      yield* __io_req_task_work_add(cx, req, 0);
      return;
    }
    yield* io_req_task_complete(cx, req);
  },
);

/** io_uring/io_uring.c: io_req_task_queue_fail. The failure CQE is posted from the submitter's task_work. */
export const io_req_task_queue_fail = kfunc(
  'io_uring/io_uring.c',
  function* io_req_task_queue_fail(cx: Kcx, req: io_kiocb, ret: number) {
    req.res = ret;
    req.io_task_work_func = io_req_task_complete;
    yield* __io_req_task_work_add(cx, req, 0);
  },
);

/**
 * io_uring/io_uring.c: io_wq_submit_work, run by an io-wq worker: issue the request blocking
 * (IO_URING_F_UNLOCKED | IO_URING_F_IOWQ; IOCB_NOWAIT off). A worker's -EAGAIN is final (no
 * IOPOLL in the model). A write completed inline is posted with io_req_complete_post; one still
 * in flight completes later through ->ki_complete, on the submitter's task_work.
 */
export const io_wq_submit_work = kfunc(
  'io_uring/io_uring.c',
  function* io_wq_submit_work(cx: Kcx, req: io_kiocb) {
    const ret = yield* io_issue_sqe(cx, req, false);
    if (ret === IOU_OK) yield* io_req_complete_post(cx, req);
    else if (ret < 0 && ret !== IOU_ISSUE_SKIP_COMPLETE) yield* io_req_task_queue_fail(cx, req, ret);
  },
);

/** io_uring/io_uring.c: io_issue_sqe, for IORING_OP_WRITE. */
export const io_issue_sqe = kfunc(
  'io_uring/io_uring.c',
  function* io_issue_sqe(cx: Kcx, req: io_kiocb, force_nonblock: boolean) {
    return yield* io_write(cx, req, force_nonblock);
  },
);

/** io_uring/io_uring.c: io_queue_iowq. Hands the request to the submitter's io-wq. */
export const io_queue_iowq = kfunc('io_uring/io_uring.c', function* io_queue_iowq(cx: Kcx, req: io_kiocb) {
  const wq = req.task.io_uring!.io_wq!;
  yield* io_wq_enqueue(cx, wq, req, io_wq_submit_work);
});

/**
 * io_uring/io_uring.c: io_queue_async, after an inline issue failed. -EAGAIN without REQ_F_NOWAIT
 * goes to io-wq (regular files cannot be polled: io_arm_poll_handler gives IO_APOLL_ABORTED);
 * any other error, or -EAGAIN with REQ_F_NOWAIT, completes the request with it.
 */
export const io_queue_async = kfunc(
  'io_uring/io_uring.c',
  function* io_queue_async(cx: Kcx, req: io_kiocb, ret: number) {
    if (ret !== -EAGAIN || req.nowait) {
      req.res = ret;
      return true;
    }
    yield* io_queue_iowq(cx, req);
    return false;
  },
);

/**
 * io_uring/io_uring.c: io_submit_sqes, for one ring: each SQE becomes a request issued inline
 * with IO_URING_F_NONBLOCK (io_queue_sqe -> io_issue_sqe). A request that completes inline posts
 * its CQE at the end of the batch (io_submit_flush_completions).
 */
export const io_submit_sqes = kfunc(
  'io_uring/io_uring.c',
  function* io_submit_sqes(cx: Kcx, ctx: io_ring_ctx, nr: number) {
    const task = current(cx);
    let submitted = 0;
    const done: io_kiocb[] = [];
    while (submitted < nr && ctx.sq.length > 0) {
      const sqe = ctx.sq.shift()!;
      const f = task.files.get(sqe.fd);
      if (!f) return submitted || -EBADF;
      if (sqe.opcode !== IORING_OP_WRITE) return submitted || -EINVAL;
      const iocb = new kiocb(f, sqe.off, sqe.len, iocb_flags(f));
      iocb.ki_complete = io_complete_rw;
      const req = new io_kiocb(ctx, task, sqe, f, iocb);
      ctx.inflight++;
      submitted++;
      // io_queue_sqe, or io_queue_sqe_fallback for IOSQE_ASYNC.
      if (req.force_async) {
        yield* io_queue_iowq(cx, req);
        continue;
      }
      const ret = yield* io_issue_sqe(cx, req, true);
      if (ret === IOU_OK) done.push(req);
      else if (ret < 0 && ret !== IOU_ISSUE_SKIP_COMPLETE && (yield* io_queue_async(cx, req, ret))) {
        done.push(req); // io_req_defer_failed
      }
    }
    for (const req of done) yield* io_req_task_complete(cx, req);
    return submitted;
  },
);

/** io_uring/io_uring.c: io_uring_setup, creating the ring and the task's io_uring context. */
export const __x64_sys_io_uring_setup = kfunc(
  'io_uring/io_uring.c',
  function* __x64_sys_io_uring_setup(cx: Kcx, entries: number, flags: number) {
    yield* [];
    if (flags & ~SUPPORTED_SETUP) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        `io_uring setup flags 0x${flags.toString(16)} are not modelled yet`,
        'use flags 0, COOP_TASKRUN, TASKRUN_FLAG, SINGLE_ISSUER or DEFER_TASKRUN (SQPOLL and IOPOLL are not modelled)',
      );
    }
    if (
      flags & IORING_SETUP_TASKRUN_FLAG &&
      !(flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN))
    )
      return -EINVAL;
    if (flags & IORING_SETUP_DEFER_TASKRUN && !(flags & IORING_SETUP_SINGLE_ISSUER)) return -EINVAL;
    const task = current(cx);
    const fd = nextFd(task);
    if (!task.io_uring) {
      // io_uring_alloc_task_context -> io_init_wq_offload: bounded workers = min(entries, 4 * CPUs).
      task.io_uring = new io_uring_task(cx.world.oid(), task, tctx_task_work);
      task.io_uring.io_wq = new io_wq(cx.world.oid(), task, Math.min(entries, 4 * NR_CPUS));
    }
    task.io_uring.ring = new io_ring_ctx(cx.world.oid(), fd, flags, task);
    return fd;
  },
);

/** The ring a task set up with io_uring_setup. */
export function ring(task: task_struct, fd: number): io_ring_ctx | null {
  const ctx = task.io_uring?.ring;
  return ctx && ctx.fd === fd ? ctx : null;
}

function nextFd(task: task_struct): number {
  let fd = 3;
  while (task.files.has(fd) || task.io_uring?.ring?.fd === fd) fd++;
  return fd;
}

/** Allocates the lowest free descriptor of a task. */
export function alloc_fd(task: task_struct): number {
  return nextFd(task);
}

/**
 * io_uring/io_uring.c: io_uring_enter. Submits `to_submit` SQEs, then with
 * IORING_ENTER_GETEVENTS waits in io_cqring_wait for `min_complete` CQEs.
 */
export const __x64_sys_io_uring_enter = kfunc(
  'io_uring/io_uring.c',
  function* __x64_sys_io_uring_enter(
    cx: Kcx,
    fd: number,
    to_submit: number,
    min_complete: number,
    flags: number,
  ) {
    const ctx = ring(current(cx), fd);
    if (!ctx) return -EBADF;
    let ret = 0;
    if (to_submit) {
      ret = yield* io_submit_sqes(cx, ctx, to_submit);
      if (ret !== to_submit) return ret;
    }
    if (flags & IORING_ENTER_GETEVENTS) {
      const ret2 = yield* io_cqring_wait(cx, ctx, min_complete);
      if (!to_submit) ret = ret2;
    }
    return ret;
  },
);

/** Posts an SQE to the ring's SQ (what liburing's io_uring_get_sqe + prep write into shared memory). */
export function push_sqe(ctx: io_ring_ctx, sqe: io_uring_sqe): void {
  ctx.sq.push(sqe);
}
