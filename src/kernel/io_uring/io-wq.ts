import type { Actor } from '../../core/actor.js';
import { frame, inFrame, kfunc } from '../../core/frames.js';
import { atomic, type Program, type Provider, run, type SimObject } from '../../core/op.js';
import { wait_for_work } from '../../sync/wait.js';
import type { Kcx, task_struct } from '../sched.js';
import type { io_kiocb } from './types.js';

/**
 * io_uring/io-wq.c: struct io_wq, one per task (tctx->io_wq), with its bounded worker pool.
 * Workers are threads of the owning process named `iou-wrk-<owner pid>`, created on demand when
 * work is queued and no worker is free. Regular-file O_DIRECT writes on ext4 and XFS are not
 * hashed (FMODE_DIO_PARALLEL_WRITE), so every worker can run one at once; hashing is not modelled.
 */
export class io_wq implements SimObject {
  readonly name: string;
  /** acct->work_list. */
  readonly work_list: io_kiocb[] = [];
  readonly workers: Actor[] = [];
  /** Workers running a work item (not on the free list). */
  running = 0;

  constructor(
    readonly oid: number,
    readonly task: task_struct,
    /** acct->max_workers for bounded work: min(SQ entries, 4 * CPUs). */
    readonly max_workers: number,
  ) {
    this.name = `io-wq of ${task.actor.label}`;
  }

  providers(): Provider[] {
    return this.workers.map((w) => ({ actor: w, how: `run work queued on ${this.name}` }));
  }
}

const RET_FROM_FORK = frame('arch/x86/entry/entry_64.S', 'ret_from_fork');
const IO_WQ_WORKER = frame('io_uring/io-wq.c', 'io_wq_worker');
const IO_WORKER_HANDLE_WORK = frame('io_uring/io-wq.c', 'io_worker_handle_work');

/**
 * io_uring/io-wq.c: io_wq_worker. Sleeps idle on the free list until work is queued, then runs
 * it through `submit` (io_wq_submit_work), forever; idle workers are not blocked tasks.
 */
function* io_wq_worker(cx: Kcx, wq: io_wq, submit: (cx: Kcx, req: io_kiocb) => Program<void>): Program<void> {
  cx.actor.frames.push(RET_FROM_FORK, IO_WQ_WORKER);
  for (;;) {
    const req = yield wait_for_work(
      `io_wq_worker: take work from ${wq.name}`,
      wq,
      `work on ${wq.name}`,
      () => wq.work_list.length > 0,
      () => {
        wq.running++;
        return wq.work_list.shift()!;
      },
    );
    yield* inFrame(cx, IO_WORKER_HANDLE_WORK, submit(cx, req as io_kiocb));
    yield* run(atomic('io_worker_handle_work: back on the free list', [wq], () => void wq.running--));
  }
}

/**
 * io_uring/io-wq.c: io_wq_enqueue. Adds the request to the work list and, when no worker is free
 * and the pool is below its bound, creates one (create_io_worker -> create_io_thread).
 */
export const io_wq_enqueue = kfunc(
  'io_uring/io-wq.c',
  function* io_wq_enqueue(
    cx: Kcx,
    wq: io_wq,
    req: io_kiocb,
    submit: (cx: Kcx, req: io_kiocb) => Program<void>,
  ) {
    const create = yield* run(
      atomic(`io_wq_enqueue(${wq.name}, user_data ${req.sqe.user_data})`, [wq], () => {
        wq.work_list.push(req);
        const free = wq.workers.length - wq.running;
        return wq.work_list.length > free && wq.workers.length < wq.max_workers;
      }),
    );
    if (!create) return;
    const owner = wq.task;
    const k = cx.k;
    const worker = k.spawnTask('task', `iou-wrk-${owner.pid}`, k.userPid(), owner.ppid, (wcx) =>
      io_wq_worker(wcx, wq, submit),
    );
    wq.workers.push(worker.actor);
  },
);
