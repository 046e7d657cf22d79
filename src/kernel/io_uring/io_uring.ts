import { LockstepError } from '../../core/errors.js';
import { kfunc } from '../../core/frames.js';
import { atomic, run } from '../../core/op.js';
import { EAGAIN, EBADF, EINTR, EINVAL } from '../../sync/errno.js';
import { task_work_add, task_work_pending, task_work_run } from '../../sync/task-work.js';
import { wait_event } from '../../sync/wait.js';
import { iocb_flags, kiocb } from '../fs/fs.js';
import { current, type Kcx, type task_struct } from '../sched.js';
import { io_complete_rw, io_write } from './rw.js';
import {
  IORING_ENTER_GETEVENTS,
  IORING_OP_WRITE,
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_TASKRUN_FLAG,
  io_kiocb,
  io_ring_ctx,
  type io_uring_sqe,
  io_uring_task,
} from './types.js';

/** io_uring/io_uring.h: io_issue_sqe return values. */
export const IOU_OK = 0;
export const IOU_ISSUE_SKIP_COMPLETE = -529;

/** The setup flags this model implements. */
const SUPPORTED_SETUP = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

/**
 * io_uring/io_uring.c: io_req_task_complete (with the deferred flush folded in): posts the
 * request's CQE to the CQ ring, which is what io_cqring_wait waits for.
 */
export const io_req_task_complete = kfunc(
  'io_uring/io_uring.c',
  function* io_req_task_complete(_cx: Kcx, req: io_kiocb) {
    const ctx = req.ctx;
    yield* run(
      atomic(
        `io_req_task_complete: post CQE (user_data ${req.sqe.user_data}, res ${req.res})`,
        [ctx],
        () => {
          ctx.cq.push({ user_data: req.sqe.user_data, res: req.res });
          ctx.inflight--;
        },
        () => `${ctx.cq.length} CQE(s) ready`,
      ),
    );
  },
);

/**
 * io_uring/io_uring.c: tctx_task_work, the task_work callback. Takes the task's whole io_uring
 * list and runs each request's io_task_work.func (handle_tw_list).
 */
export const tctx_task_work = kfunc('io_uring/io_uring.c', function* tctx_task_work(cx: Kcx) {
  const tctx = current(cx).io_uring!;
  const reqs = yield* run(
    atomic('tctx_task_work: llist_del_all(&tctx->task_list)', [tctx], () => {
      const list = tctx.task_list;
      tctx.task_list = [];
      return list;
    }),
  );
  for (const req of reqs) yield* req.io_task_work_func!(cx, req);
});

/**
 * io_uring/io_uring.c: io_req_normal_work_add (via __io_req_task_work_add) for rings without
 * DEFER_TASKRUN: add the request to the submitter's tctx list and, if the list was empty,
 * task_work_add(req->task, &tctx->task_work, ctx->notify_method). The task that submitted the
 * request runs it, never the context that completed the I/O.
 */
export const __io_req_task_work_add = kfunc(
  'io_uring/io_uring.c',
  function* __io_req_task_work_add(_cx: Kcx, req: io_kiocb) {
    const tctx = req.task.io_uring!;
    const task = req.task;
    const first = yield* run(
      atomic(`io_req_normal_work_add: llist_add to ${task.actor.label}'s tctx list`, [tctx], () => {
        tctx.task_list.push(req);
        req.owes?.at(
          task.actor,
          `is queued as io_req_rw_complete on ${task.actor.label}'s task_work; ${task.actor.label} runs it only on its way back to user space or while it waits for CQEs in io_cqring_wait`,
        );
        return tctx.task_list.length === 1;
      }),
    );
    if (!first) return;
    const err = yield* task_work_add(task, tctx.task_work, req.ctx.notify_method);
    if (err) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        'io_fallback_tw (task exiting) is not modelled',
        'let tasks reap their CQEs before exiting',
      );
    }
  },
);

/** io_uring/io_uring.h: io_run_task_work. Clears TIF_NOTIFY_SIGNAL and runs pending task_work. */
export const io_run_task_work = kfunc('io_uring/io_uring.h', function* io_run_task_work(cx: Kcx) {
  const task = current(cx);
  const pending = yield* run(
    atomic('io_run_task_work: clear_notify_signal', [task.ti, task.task_works], () => {
      task.ti.notifySignal = false;
      task.ti.kicked = false;
      return task_work_pending(task);
    }),
  );
  if (pending) yield* task_work_run(cx, task);
  return pending;
});

/**
 * io_uring/io_uring.c: io_cqring_wait for a normal ring. Runs task_work, returns once
 * `min_events` CQEs are ready; otherwise sleeps TASK_INTERRUPTIBLE on ctx->cq_wait. The sleep
 * ends on a new CQE, on TIF_NOTIFY_SIGNAL (io_cqring_wait_schedule retries: task_work runs) or
 * on a real signal (-EINTR).
 */
export const io_cqring_wait = kfunc(
  'io_uring/io_uring.c',
  function* io_cqring_wait(cx: Kcx, ctx: io_ring_ctx, min_events: number) {
    const task = current(cx);
    yield* io_run_task_work(cx);
    for (;;) {
      const woke = yield wait_event(cx, {
        object: ctx,
        reads: [task.ti],
        until: `${min_events} CQE(s) in the CQ ring`,
        cond: () => ctx.cq.length >= min_events,
        state: 'S',
        ti: task.ti,
        label: 'io_cqring_wait: io_cqring_wait_schedule',
      });
      yield* io_run_task_work(cx);
      const done = yield* run(
        atomic('io_cqring_wait: io_should_wake', [ctx], () => ctx.cq.length >= min_events),
      );
      if (done) return 0;
      if (woke !== 0 && task.ti.task_sigpending()) return -EINTR;
    }
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
      const ret = yield* io_write(cx, req, true);
      if (ret === -EAGAIN) {
        throw new LockstepError(
          'E_MODEL_UNSUPPORTED',
          'the -EAGAIN punt to io-wq is not modelled yet',
          'the inline IOCB_NOWAIT issue must succeed in this scenario',
        );
      }
      if (ret === IOU_OK) done.push(req);
    }
    for (const req of done) yield* io_req_task_complete(cx, req);
    return submitted;
  },
);

/** io_uring/io_uring.c: io_uring_setup, creating the ring and the task's io_uring context. */
export const __x64_sys_io_uring_setup = kfunc(
  'io_uring/io_uring.c',
  function* __x64_sys_io_uring_setup(cx: Kcx, _entries: number, flags: number) {
    yield* [];
    if (flags & ~SUPPORTED_SETUP) {
      throw new LockstepError(
        'E_MODEL_UNSUPPORTED',
        `io_uring setup flags 0x${flags.toString(16)} are not modelled yet`,
        'use flags 0, COOP_TASKRUN or TASKRUN_FLAG',
      );
    }
    if (flags & IORING_SETUP_TASKRUN_FLAG && !(flags & IORING_SETUP_COOP_TASKRUN)) return -EINVAL;
    const task = current(cx);
    const fd = nextFd(task);
    task.io_uring ??= new io_uring_task(cx.world.oid(), task, tctx_task_work);
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
