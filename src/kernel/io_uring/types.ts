import type { Program, Provider, SimObject } from '../../core/op.js';
import type { Obligation } from '../../sync/atomic-counter.js';
import type { CallbackHead, TaskWorkNotify } from '../../sync/task-work.js';
import type { file, kiocb } from '../fs/fs.js';
import type { Kcx, task_struct } from '../sched.js';

// include/uapi/linux/io_uring.h
export const IORING_OP_WRITE = 23;
export const IORING_ENTER_GETEVENTS = 1 << 0;
export const IORING_SETUP_IOPOLL = 1 << 0;
export const IORING_SETUP_SQPOLL = 1 << 1;
export const IORING_SETUP_COOP_TASKRUN = 1 << 8;
export const IORING_SETUP_TASKRUN_FLAG = 1 << 9;
export const IORING_SETUP_SINGLE_ISSUER = 1 << 12;
export const IORING_SETUP_DEFER_TASKRUN = 1 << 13;

/** include/uapi/linux/io_uring.h: struct io_uring_sqe, the fields the model reads. */
export interface io_uring_sqe {
  readonly opcode: number;
  readonly fd: number;
  readonly off: number;
  readonly len: number;
  readonly user_data: number;
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
  }

  /** Completions are posted by the submitter's task_work, so only it can fill the CQ ring. */
  providers(): Provider[] {
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

  constructor(
    readonly ctx: io_ring_ctx,
    readonly task: task_struct,
    readonly sqe: io_uring_sqe,
    readonly file: file,
    readonly rw: kiocb,
  ) {
    rw.container = this;
  }
}

/** io_uring/tctx.h: struct io_uring_task, the per-task list that task_work drains. */
export class io_uring_task implements SimObject {
  readonly name: string;
  /** tctx->task_list (an llist). */
  task_list: io_kiocb[] = [];
  /** The ring this task set up (one per task in this model). */
  ring: io_ring_ctx | null = null;
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
