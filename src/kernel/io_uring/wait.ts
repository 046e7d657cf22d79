// Waiting for completions (io_uring/io_uring.c): io_cqring_wait for io_uring_enter(GETEVENTS),
// and io_uring_cancel_generic for a task that exits with requests in flight.
import { kfunc } from '../../core/frames.js';
import { atomic, run } from '../../core/op.js';
import { EINTR } from '../../sync/errno.js';
import { task_work_pending } from '../../sync/task-work.js';
import { wait_event } from '../../sync/wait.js';
import { current, type Kcx } from '../sched.js';
import { io_run_local_work, io_run_task_work } from './tw.js';
import { IORING_SETUP_DEFER_TASKRUN, type io_ring_ctx } from './types.js';

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
