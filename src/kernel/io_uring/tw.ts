// Delivering completions to the submitting task (io_uring/io_uring.c): the tctx task_work list of
// normal rings, the local work list of DEFER_TASKRUN rings, and running them.
import { LockstepError } from '../../core/errors.js';
import { kfunc } from '../../core/frames.js';
import { atomic, run } from '../../core/op.js';
import { task_work_add, task_work_pending, task_work_run } from '../../sync/task-work.js';
import { current, type Kcx } from '../sched.js';
import { IORING_SETUP_DEFER_TASKRUN, type io_kiocb, type io_ring_ctx } from './types.js';

/** __io_req_task_work_add flags: IOU_F_TWQ_LAZY_WAKE, wake a DEFER_TASKRUN waiter only once it has enough items. */
export const IOU_F_TWQ_LAZY_WAKE = 1;
const INT_MAX = 0x7fffffff;

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
