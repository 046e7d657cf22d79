import { LockstepError } from '../../core/errors.js';
import { kfunc } from '../../core/frames.js';
import { atomic, run } from '../../core/op.js';
import { EAGAIN, EBADF, EINTR, EINVAL } from '../../sync/errno.js';
import { task_work_add, task_work_pending, task_work_run } from '../../sync/task-work.js';
import { wait_event } from '../../sync/wait.js';
import { iocb_flags, kiocb } from '../fs/fs.js';
import { current, type Kcx, type task_struct } from '../sched.js';
import { io_wq, io_wq_enqueue } from './io-wq.js';
import { io_complete_rw, io_write } from './rw.js';
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

/** io_uring/io_uring.h: io_issue_sqe return values. */
export const IOU_OK = 0;
export const IOU_ISSUE_SKIP_COMPLETE = -529;

/** The setup flags this model implements. */
const SUPPORTED_SETUP =
  IORING_SETUP_COOP_TASKRUN |
  IORING_SETUP_TASKRUN_FLAG |
  IORING_SETUP_SINGLE_ISSUER |
  IORING_SETUP_DEFER_TASKRUN;

/** __io_req_task_work_add flags: IOU_F_TWQ_LAZY_WAKE, wake a DEFER_TASKRUN waiter only once it has enough items. */
export const IOU_F_TWQ_LAZY_WAKE = 1;
const INT_MAX = 0x7fffffff;
/** num_online_cpus() of the modelled machine (the io-wq bound depends on it). */
const NR_CPUS = 2;

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
 * io_uring/io_uring.c: io_req_normal_work_add, for rings without DEFER_TASKRUN: add the request
 * to the submitter's tctx list and, if the list was empty, task_work_add(req->task,
 * &tctx->task_work, ctx->notify_method). The task that submitted the request runs it, never the
 * context that completed the I/O.
 */
export const io_req_normal_work_add = kfunc(
  'io_uring/io_uring.c',
  function* io_req_normal_work_add(_cx: Kcx, req: io_kiocb) {
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

/**
 * io_uring/io_uring.c: io_req_local_work_add, for DEFER_TASKRUN rings: push the request on
 * ctx->work_llist. No task_work, no TIF_NOTIFY_SIGNAL: only the submitter running
 * io_uring_enter(GETEVENTS) runs it. If the submitter sleeps in io_cqring_wait for cq_wait_nr
 * CQEs, wake it (wake_up_state TASK_INTERRUPTIBLE) once this push brings the count of queued
 * items to that number; a lazy push (IOU_F_TWQ_LAZY_WAKE) below it wakes nobody.
 */
export const io_req_local_work_add = kfunc(
  'io_uring/io_uring.c',
  function* io_req_local_work_add(_cx: Kcx, req: io_kiocb, flags: number) {
    const ctx = req.ctx;
    const task = ctx.submitter_task;
    yield* run(
      atomic(
        `io_req_local_work_add: llist_add to ${ctx.name} work_llist`,
        [ctx],
        () => {
          const prev = ctx.work_llist[ctx.work_llist.length - 1]?.nr_tw ?? 0;
          req.nr_tw = flags & IOU_F_TWQ_LAZY_WAKE ? prev + 1 : INT_MAX;
          ctx.work_llist.push(req);
          req.owes?.at(
            task.actor,
            `is queued as io_req_rw_complete on the local work list of ${ctx.name} (DEFER_TASKRUN); only ${task.actor.label} runs it, in io_uring_enter with IORING_ENTER_GETEVENTS`,
          );
          const nr_wait = ctx.cq_wait_nr;
          // No one is waiting, not enough items, or the previous add has already woken it up.
          if (!nr_wait || nr_wait > req.nr_tw || prev >= nr_wait) return;
          ctx.local_wake = true;
        },
        () =>
          ctx.cq_wait_nr === 0
            ? `${ctx.work_llist.length} item(s) queued; nobody waits`
            : ctx.local_wake
              ? `wake_up_state(${task.actor.label}, TASK_INTERRUPTIBLE)`
              : `${ctx.work_llist.length} item(s) queued, the waiter wants ${ctx.cq_wait_nr}: no wake-up (lazy)`,
      ),
    );
  },
);

/** io_uring/io_uring.c: __io_req_task_work_add. DEFER_TASKRUN rings queue locally, others as task_work. */
export const __io_req_task_work_add = kfunc(
  'io_uring/io_uring.c',
  function* __io_req_task_work_add(cx: Kcx, req: io_kiocb, flags: number) {
    if (req.ctx.flags & IORING_SETUP_DEFER_TASKRUN) yield* io_req_local_work_add(cx, req, flags);
    else yield* io_req_normal_work_add(cx, req);
  },
);

/**
 * io_uring/io_uring.c: __io_run_local_work (io_run_local_work), run by the DEFER_TASKRUN
 * submitter: take the whole work list and run each item's io_task_work.func.
 */
export const io_run_local_work = kfunc(
  'io_uring/io_uring.c',
  function* io_run_local_work(cx: Kcx, ctx: io_ring_ctx) {
    let ran = 0;
    for (;;) {
      const reqs = yield* run(
        atomic(`io_run_local_work: llist_del_all(&ctx->work_llist)`, [ctx], () => {
          const list = ctx.work_llist;
          ctx.work_llist = [];
          return list;
        }),
      );
      if (reqs.length === 0) return ran;
      for (const req of reqs) yield* req.io_task_work_func!(cx, req);
      ran += reqs.length;
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
 * io_uring/io_uring.c: io_cqring_wait. Runs task_work (and a DEFER_TASKRUN ring's local work),
 * returns once `min_events` CQEs are ready; otherwise sleeps TASK_INTERRUPTIBLE. A normal ring
 * sleeps on ctx->cq_wait, woken by a posted CQE or TIF_NOTIFY_SIGNAL (task_work then runs). A
 * DEFER_TASKRUN ring sets cq_wait_nr and does not sleep while local work is queued; asleep, only
 * io_req_local_work_add's wake-up or a signal ends the sleep. A real signal gives -EINTR.
 */
export const io_cqring_wait = kfunc(
  'io_uring/io_uring.c',
  function* io_cqring_wait(cx: Kcx, ctx: io_ring_ctx, min_events: number) {
    const task = current(cx);
    const defer = (ctx.flags & IORING_SETUP_DEFER_TASKRUN) !== 0;
    if (defer) yield* io_run_local_work(cx, ctx);
    yield* io_run_task_work(cx);
    for (;;) {
      let woke = 0;
      if (defer) {
        // atomic_set(&ctx->cq_wait_nr, nr_wait); set_current_state(TASK_INTERRUPTIBLE);
        // io_cqring_wait_schedule: no sleep with local work queued or TIF_NOTIFY_SIGNAL set.
        const sleep = yield* run(
          atomic(
            'io_cqring_wait: set cq_wait_nr; io_cqring_wait_schedule',
            [ctx, task.ti],
            () => {
              ctx.cq_wait_nr = Math.max(0, min_events - ctx.cq.length);
              ctx.local_wake = false;
              return ctx.cq_wait_nr > 0 && ctx.work_llist.length === 0 && !task.ti.signal_pending();
            },
            () => `cq_wait_nr = ${ctx.cq_wait_nr}, ${ctx.work_llist.length} local work item(s)`,
          ),
        );
        if (sleep) {
          woke = (yield wait_event(cx, {
            object: ctx,
            reads: [task.ti],
            until: `io_req_local_work_add wakes it (once ${ctx.cq_wait_nr} local work item(s) are queued)`,
            cond: () => ctx.local_wake,
            state: 'S',
            ti: task.ti,
            label: 'io_cqring_wait: schedule (DEFER_TASKRUN)',
          })) as number;
        }
        yield* run(
          atomic('io_cqring_wait: atomic_set(&ctx->cq_wait_nr, 0)', [ctx], () => void (ctx.cq_wait_nr = 0)),
        );
      } else {
        woke = (yield wait_event(cx, {
          object: ctx,
          reads: [task.ti],
          until: `${min_events} CQE(s) in the CQ ring`,
          cond: () => ctx.cq.length >= min_events,
          state: 'S',
          ti: task.ti,
          label: 'io_cqring_wait: io_cqring_wait_schedule',
        })) as number;
      }
      yield* io_run_task_work(cx);
      if (defer) yield* io_run_local_work(cx, ctx);
      const done = yield* run(
        atomic('io_cqring_wait: io_should_wake', [ctx], () => ctx.cq.length >= min_events),
      );
      if (done) return 0;
      if (woke !== 0 && task.ti.task_sigpending()) return -EINTR;
    }
  },
);

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

/**
 * io_uring/io_uring.c: io_uring_cancel_generic, from do_exit (io_uring_files_cancel): the exiting
 * task waits, TASK_INTERRUPTIBLE, until its requests in flight are done, running its task_work
 * and the ring's local work meanwhile, since their completions come back to it. Reads are not
 * cancellable in flight: a direct write in flight is waited for.
 */
export const io_uring_cancel_generic = kfunc(
  'io_uring/io_uring.c',
  function* io_uring_cancel_generic(cx: Kcx) {
    const task = current(cx);
    const ctx = task.io_uring?.ring;
    if (!ctx) return;
    for (;;) {
      const inflight = yield* run(
        atomic('io_uring_cancel_generic: tctx_inflight', [ctx], () => ctx.inflight),
      );
      if (inflight === 0) return;
      yield* io_run_task_work(cx);
      if (ctx.flags & IORING_SETUP_DEFER_TASKRUN) yield* io_run_local_work(cx, ctx);
      yield wait_event(cx, {
        object: ctx,
        reads: [task.ti, task.task_works],
        until: 'its io_uring requests in flight to complete',
        cond: () => ctx.inflight < inflight || task_work_pending(task) || ctx.work_llist.length > 0,
        state: 'S',
        ti: task.ti,
        label: 'io_uring_cancel_generic: schedule',
      });
    }
  },
);
