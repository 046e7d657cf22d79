import { kfunc } from '../../core/frames.js';
import type { DeptDeliverer } from '../../sync/dept-wire.js';
import { EAGAIN, EIOCBQUEUED } from '../../sync/errno.js';
import { kiocb_end_write, kiocb_start_write } from '../fs/freeze.js';
import { IOCB_DIO_CALLER_COMP, IOCB_HIPRI, IOCB_NOWAIT, IOCB_WRITE, type kiocb } from '../fs/fs.js';
import type { Kcx } from '../sched.js';
import { IOU_ISSUE_SKIP_COMPLETE, IOU_OK } from './io_uring.js';
import { __io_req_task_work_add, IOU_F_TWQ_LAZY_WAKE, io_req_task_complete } from './tw.js';
import type { io_kiocb } from './types.js';

/** io_uring/rw.c: io_req_io_end. For a write: kiocb_end_write (drops sb_writers) and fsnotify. */
export const io_req_io_end = kfunc('io_uring/rw.c', function* io_req_io_end(cx: Kcx, req: io_kiocb) {
  if (req.rw.ki_flags & IOCB_WRITE) yield* kiocb_end_write(cx, req.rw);
});

/**
 * io_uring/rw.c: io_req_rw_complete, run from the submitter's task_work. With a deferred dio
 * completion (IOCB_DIO_CALLER_COMP) it first runs ->dio_complete, which is where inode_dio_end
 * happens; then ends the write and posts the CQE.
 */
export const io_req_rw_complete = kfunc(
  'io_uring/rw.c',
  function* io_req_rw_complete(cx: Kcx, req: io_kiocb) {
    const iocb = req.rw;
    if (iocb.ki_flags & IOCB_DIO_CALLER_COMP && iocb.dio_complete) {
      req.res = yield* iocb.dio_complete(cx, iocb.private);
    }
    yield* io_req_io_end(cx, req);
    yield* io_req_task_complete(cx, req);
  },
);

/**
 * io_uring/rw.c: io_complete_rw, the kiocb's ->ki_complete, called from whatever context ends the
 * I/O (hardirq for CALLER_COMP, a kworker otherwise). It never completes the request itself: it
 * queues io_req_rw_complete as task_work of the submitting task.
 */
export const io_complete_rw = kfunc(
  'io_uring/rw.c',
  function* io_complete_rw(cx: Kcx, iocb: kiocb, res: number) {
    const req = iocb.container as io_kiocb;
    if (!iocb.dio_complete || !(iocb.ki_flags & IOCB_DIO_CALLER_COMP)) {
      req.res = res;
    } else {
      // The dio still owes inode_dio_end; it now travels with the request.
      req.owes = (iocb.private as { owes: io_kiocb['owes'] }).owes;
    }
    req.io_task_work_func = io_req_rw_complete;
    yield* __io_req_task_work_add(cx, req, IOU_F_TWQ_LAZY_WAKE);
  },
);

/**
 * io_uring/rw.c: kiocb_done. A write that finished inline (the bio ended before the submission
 * reference was dropped) completes here, in the submitting task; -EIOCBQUEUED leaves it in flight.
 */
export const kiocb_done = kfunc('io_uring/rw.c', function* kiocb_done(cx: Kcx, req: io_kiocb, ret: number) {
  if (ret >= 0) {
    yield* io_req_io_end(cx, req);
    req.res = ret;
    return IOU_OK;
  }
  if (ret !== -EIOCBQUEUED) {
    req.res = ret;
    yield* io_complete_rw(cx, req.rw, ret);
  }
  return IOU_ISSUE_SKIP_COMPLETE;
});

/**
 * For DEPT: who runs a deferred dio completion (io_req_rw_complete) of `req`. On a DEFER_TASKRUN
 * ring, the submitter, only from io_uring_enter(GETEVENTS): only waiting on that ring reaches it.
 * Otherwise the request's task, from its task_work: TWA_SIGNAL sets TIF_NOTIFY_SIGNAL, which
 * ends an interruptible sleep, and the way back to user space runs the work.
 */
function caller_comp_deliverer(req: io_kiocb): DeptDeliverer {
  const ctx = req.ctx;
  if (ctx.task_complete) {
    return { actor: ctx.submitter_task.actor, reachable: (w) => w.object === ctx };
  }
  const signals = ctx.notify_method === 'TWA_SIGNAL' || ctx.notify_method === 'TWA_SIGNAL_NO_IPI';
  return { actor: req.task.actor, reachable: (w) => w.object === ctx || (signals && w.state === 'S') };
}

/**
 * io_uring/rw.c: io_write as of v6.6-rc7. Inline issue sets IOCB_NOWAIT; regular files take
 * sb_writers (kiocb_start_write); then, on rc7 only, every non-IOPOLL write gets
 * IOCB_DIO_CALLER_COMP. -EAGAIN under NOWAIT drops sb_writers and asks for a punt to io-wq.
 */
export const io_write = kfunc(
  'io_uring/rw.c',
  function* io_write(cx: Kcx, req: io_kiocb, force_nonblock: boolean) {
    const iocb = req.rw;
    if (force_nonblock) iocb.ki_flags |= IOCB_NOWAIT;
    else iocb.ki_flags &= ~IOCB_NOWAIT;
    if (req.isreg) yield* kiocb_start_write(cx, iocb);
    iocb.ki_flags |= IOCB_WRITE;
    if (cx.k.config.io_uring_dio_caller_comp && !(iocb.ki_flags & IOCB_HIPRI)) {
      iocb.ki_flags |= IOCB_DIO_CALLER_COMP;
      iocb.caller_comp_deliverer = () => caller_comp_deliverer(req);
    }
    const ret2 = yield* req.file.f_op.write_iter(cx, iocb);
    // -EAGAIN with REQ_F_NOWAIT completes the request with it (goto done).
    if (force_nonblock && ret2 === -EAGAIN && !req.nowait) {
      if (req.isreg) yield* kiocb_end_write(cx, iocb);
      return -EAGAIN;
    }
    return yield* kiocb_done(cx, req, ret2);
  },
);
