import type { Program, Provider, SimObject } from '../../core/op.js';
import type { Obligation } from '../../sync/atomic-counter.js';
import type { CallbackHead, TaskWorkNotify } from '../../sync/task-work.js';
import type { file, kiocb } from '../fs/fs.js';
import type { Kcx, task_struct } from '../sched.js';
import type { io_wq } from './io-wq.js';

// include/uapi/linux/io_uring.h
export const IORING_OP_WRITE = 23;
export const IORING_ENTER_GETEVENTS = 1 << 0;
export const IORING_SETUP_IOPOLL = 1 << 0;
export const IORING_SETUP_SQPOLL = 1 << 1;
export const IORING_SETUP_COOP_TASKRUN = 1 << 8;
export const IORING_SETUP_TASKRUN_FLAG = 1 << 9;
export const IORING_SETUP_SINGLE_ISSUER = 1 << 12;
export const IORING_SETUP_DEFER_TASKRUN = 1 << 13;
/** sqe->flags: IOSQE_ASYNC, always issue from io-wq. */
export const IOSQE_ASYNC = 1 << 4;
/** include/uapi/linux/fs.h: RWF_NOWAIT, per-I/O: fail with -EAGAIN rather than block. */
export const RWF_NOWAIT = 0x00000008;

/** include/uapi/linux/io_uring.h: struct io_uring_sqe, the fields the model reads. */
export interface io_uring_sqe {
  readonly opcode: number;
  readonly fd: number;
  readonly off: number;
  readonly len: number;
  readonly user_data: number;
  /** IOSQE_* flags. */
  readonly flags?: number;
  /** RWF_* flags of a read or write. */
  readonly rw_flags?: number;
}

/** include/uapi/linux/io_uring.h: struct io_uring_cqe. */
export interface io_uring_cqe {
  readonly user_data: number;
  readonly res: number;
}

/** io_uring/io_uring.h: struct io_ring_ctx, with its SQ and CQ rings. */
export class io_ring_ctx implements SimObject {
  readonly name: string;
  /** SQEs the user wrote and has not submitted yet (the SQ ring between head and tail). */
  readonly sq: io_uring_sqe[] = [];
  /** Posted CQEs (the CQ ring between head and tail). */
  readonly cq: io_uring_cqe[] = [];
  /** Requests issued and not yet completed. */
  inflight = 0;
  readonly notify_method: TaskWorkNotify;
  /** ctx->work_llist: DEFER_TASKRUN's local task_work, run only by the submitter in io_uring_enter. */
  work_llist: io_kiocb[] = [];
  /** ctx->cq_wait_nr: CQEs the submitter sleeps for in io_cqring_wait (DEFER_TASKRUN), 0 when not sleeping. */
  cq_wait_nr = 0;
  /** The submitter was woken by io_req_local_work_add (wake_up_state) since it set cq_wait_nr. */
  local_wake = false;
  /** ctx->task_complete: DEFER_TASKRUN rings post every completion from the submitter's local work. */
  readonly task_complete: boolean;

  constructor(
    readonly oid: number,
    readonly fd: number,
    readonly flags: number,
    readonly submitter_task: task_struct,
  ) {
    this.name = `io_uring ctx (fd ${fd})`;
    // io_uring/io_uring.c: io_uring_create.
    this.notify_method =
      flags & (IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN) ? 'TWA_SIGNAL_NO_IPI' : 'TWA_SIGNAL';
    this.task_complete = (flags & IORING_SETUP_DEFER_TASKRUN) !== 0;
  }

  /** Completions are posted by the submitter's task_work (or local work), so only it can fill the CQ ring. */
  providers(): Provider[] {
    if (this.task_complete) {
      // The lazy wake-up needs more local work items than are queued: whoever completes a request
      // of this task (an io-wq worker posting through io_req_complete_post) adds one.
      const wq = this.submitter_task.io_uring?.io_wq;
      const more =
        this.cq_wait_nr > this.work_llist.length && wq
          ? wq.workers.map((w) => ({
              actor: w,
              how: `complete its request of ${this.submitter_task.actor.label}, queueing the local work item that reaches cq_wait_nr and wakes it`,
            }))
          : [];
      return [
        ...more,
        {
          actor: this.submitter_task.actor,
          how: `run the ring's local work (${this.work_llist.length} item(s) queued), which posts the CQEs, in io_uring_enter(GETEVENTS); the lazy wake-up (IOU_F_TWQ_LAZY_WAKE) wakes it only once ${this.cq_wait_nr || 'enough'} item(s) are queued`,
        },
      ];
    }
    return [{ actor: this.submitter_task.actor, how: 'run its task_work, which posts the CQEs' }];
  }
}

/** io_uring/io_uring.h: struct io_kiocb, a request. */
export class io_kiocb {
  /** REQ_F_ISREG: the file is a regular file. */
  isreg = true;
  res = 0;
  /** io_task_work.func, run from tctx_task_work. */
  io_task_work_func: ((cx: Kcx, req: io_kiocb) => Program<void>) | null = null;
  /** The direct write's pending inode_dio_end, when its completion is deferred to this request. */
  owes: Obligation | null = null;
  /** req->nr_tw: local work items queued up to and including this one (INT_MAX: wake at once). */
  nr_tw = 0;
  /** REQ_F_NOWAIT: -EAGAIN completes the request instead of punting it to io-wq. */
  readonly nowait: boolean;
  /** REQ_F_FORCE_ASYNC (IOSQE_ASYNC). */
  readonly force_async: boolean;

  constructor(
    readonly ctx: io_ring_ctx,
    readonly task: task_struct,
    readonly sqe: io_uring_sqe,
    readonly file: file,
    readonly rw: kiocb,
  ) {
    rw.container = this;
    this.nowait = ((sqe.rw_flags ?? 0) & RWF_NOWAIT) !== 0;
    this.force_async = ((sqe.flags ?? 0) & IOSQE_ASYNC) !== 0;
  }
}

/** io_uring/tctx.h: struct io_uring_task, the per-task list that task_work drains. */
export class io_uring_task implements SimObject {
  readonly name: string;
  /** tctx->task_list (an llist). */
  task_list: io_kiocb[] = [];
  /** The ring this task set up (one per task in this model). */
  ring: io_ring_ctx | null = null;
  /** tctx->io_wq: the task's io-wq, made with the context. */
  io_wq: io_wq | null = null;
  readonly task_work: CallbackHead<Kcx>;

  constructor(
    readonly oid: number,
    readonly task: task_struct,
    tctx_task_work: (cx: Kcx) => Program<void>,
  ) {
    this.name = `${task.actor.label}.io_uring.task_list`;
    this.task_work = { name: 'tctx_task_work', func: tctx_task_work };
  }

  providers(): Provider[] {
    return [{ actor: this.task.actor, how: 'run its io_uring task_work' }];
  }
}
