import { frame, inFrame, kfunc } from '../../core/frames.js';
import { atomic, type Program, run } from '../../core/op.js';
import { markProgress } from '../../core/progress.js';
import { EINTR, ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, errname } from '../../sync/errno.js';
import { lockdep_sys_exit } from '../../sync/lockdep-wire.js';
import { type CallbackHead, task_work_pending, task_work_run } from '../../sync/task-work.js';
import { SIGKILL } from '../../sync/thread-info.js';
import { io_uring_cancel_generic } from '../io_uring/wait.js';
import { current, type Kcx } from '../sched.js';

const ENTRY_SYSCALL = frame('arch/x86/entry/entry_64.S', 'entry_SYSCALL_64_after_hwframe');
const DO_SYSCALL_64 = frame('arch/x86/entry/common.c', 'do_syscall_64');
const SYSVEC = frame('arch/x86/kernel/smp.c', 'sysvec_call_function_single');

/** Thrown through the user program when the task exits from get_signal (do_group_exit); the task ends. */
export class TaskExited extends Error {
  constructor(readonly sig: number) {
    super(`killed by signal ${sig}`);
  }
}

/** A signal get_signal dequeued for a handler. */
export interface DeliveredSignal {
  readonly sig: number;
  readonly sa_restart: boolean;
}

/**
 * kernel/signal.c: get_signal. Clears TIF_NOTIFY_SIGNAL and runs pending task_work; returns null
 * when no real signal is pending (task_sigpending), which is all io_uring ever raises. A real
 * signal is dequeued: SIGKILL, or one without a handler (default action: terminate), makes the
 * task exit here (do_group_exit); one with a handler is returned for handle_signal.
 */
export const get_signal = kfunc('kernel/signal.c', function* get_signal(cx: Kcx) {
  const task = current(cx);
  yield* run(
    atomic('get_signal: clear_notify_signal', [task.ti], () => {
      task.ti.notifySignal = false;
      task.ti.kicked = false;
    }),
  );
  if (task_work_pending(task)) yield* task_work_run(cx, task);
  const sig = yield* run(
    atomic(
      'get_signal: dequeue_signal',
      [task.ti],
      () => {
        const ti = task.ti;
        if (!ti.task_sigpending()) return 0;
        const next = ti.signals.has(SIGKILL) ? SIGKILL : Math.min(...ti.signals);
        ti.signals.delete(next);
        if (ti.signals.size === 0) ti.sigpending = false;
        return next;
      },
      () => (task.ti.signals.size ? `${task.ti.signals.size} signal(s) still pending` : ''),
    ),
  );
  if (sig === 0) return null;
  const action = task.sighand.get(sig);
  if (sig === SIGKILL || !action) {
    // do_group_exit(sig): never returns to user space.
    yield* do_exit(cx);
    throw new TaskExited(sig);
  }
  return { sig, sa_restart: action.sa_restart } satisfies DeliveredSignal;
});

/**
 * arch/x86/kernel/signal.c: arch_do_signal_or_restart. A signal with a handler goes through
 * handle_signal: a syscall that returned -ERESTARTSYS becomes -EINTR unless the handler has
 * SA_RESTART, -ERESTARTNOHAND becomes -EINTR, -ERESTARTNOINTR restarts. With no signal to
 * deliver, -ERESTARTSYS, -ERESTARTNOHAND and -ERESTARTNOINTR restart the syscall (ip -= 2): the
 * user never sees them. Returns what user space gets, or 'restart'.
 */
export const arch_do_signal_or_restart = kfunc(
  'arch/x86/kernel/signal.c',
  function* arch_do_signal_or_restart(cx: Kcx, ret: number | null): Program<number | null | 'restart'> {
    const ksig = yield* get_signal(cx);
    if (ksig) {
      current(cx).handled.push(ksig.sig);
      if (ret === -ERESTARTNOHAND) return -EINTR;
      if (ret === -ERESTARTSYS) return ksig.sa_restart ? 'restart' : -EINTR;
      if (ret === -ERESTARTNOINTR) return 'restart';
      return ret;
    }
    return ret === -ERESTARTSYS || ret === -ERESTARTNOHAND || ret === -ERESTARTNOINTR ? 'restart' : ret;
  },
);

/**
 * kernel/entry/common.c: exit_to_user_mode_loop. While TIF_SIGPENDING or TIF_NOTIFY_SIGNAL is set,
 * handle it (task_work runs here). `ret` is the syscall's return value, null on an interrupt
 * return; the result is what user space gets, or 'restart' when the syscall must re-execute.
 */
export const exit_to_user_mode_loop = kfunc(
  'kernel/entry/common.c',
  function* exit_to_user_mode_loop(cx: Kcx, ret: number | null): Program<number | null | 'restart'> {
    const ti = current(cx).ti;
    let cur = ret;
    let restart = false;
    for (;;) {
      const work = yield* run(
        atomic(
          'exit_to_user_mode: read thread flags',
          [ti],
          () => ti.notifySignal || ti.sigpending,
          () =>
            ti.notifySignal ? 'TIF_NOTIFY_SIGNAL set' : ti.sigpending ? 'TIF_SIGPENDING set' : 'no work',
        ),
      );
      if (!work) {
        // exit_to_user_mode_prepare: lockdep_sys_exit once the work is done.
        lockdep_sys_exit(cx.world, cx.actor);
        return restart ? 'restart' : cur;
      }
      // Once the registers are set up for a restart, a later signal finds nothing to fix up.
      const r: number | null | 'restart' = yield* arch_do_signal_or_restart(cx, restart ? null : cur);
      if (r === 'restart') restart = true;
      else if (!restart) cur = r;
    }
  },
);

/** kernel/entry/common.c: irqentry_exit_to_user_mode, the interrupt return path of a task in user mode. */
export const irqentry_exit_to_user_mode = kfunc(
  'kernel/entry/common.c',
  function* irqentry_exit_to_user_mode(cx: Kcx) {
    yield* exit_to_user_mode_loop(cx, null);
  },
);

/**
 * A system call from user space: entry, the syscall body, exit to user mode with its task_work
 * and restart handling (arch/x86/entry/common.c: do_syscall_64, kernel/entry/common.c).
 * If TWA_SIGNAL kicked the task while it ran in user mode, the IPI's return path handles the
 * pending work first. Returns what user space sees.
 */
export function* syscall(cx: Kcx, call: string, body: () => Program<number>): Program<number> {
  const task = current(cx);
  const ti = task.ti;
  for (;;) {
    const kicked = yield* run(
      atomic(
        `syscall ${call}`,
        [ti],
        () => ti.kicked && ti.signal_pending(),
        () => (ti.kicked && ti.signal_pending() ? 'IPI pending: interrupt return runs task_work first' : ''),
      ),
    );
    if (kicked) yield* inFrame(cx, SYSVEC, irqentry_exit_to_user_mode(cx));
    task.inKernel = true;
    task.retry = null;
    const depth = cx.actor.frames.length;
    cx.actor.frames.push(ENTRY_SYSCALL, DO_SYSCALL_64);
    let out: number | null | 'restart';
    try {
      const ret = yield* body();
      out = yield* exit_to_user_mode_loop(cx, ret);
    } finally {
      cx.actor.frames.length = depth;
      task.inKernel = false;
    }
    if (out === 'restart') continue;
    // syscall_exit_to_user_mode (kernel/entry/common.c) hands user space a success: progress, for
    // the livelock bound (a retry loop that only ever sees errors makes none).
    if (out !== null && out >= 0) markProgress(cx.world, call);
    return out!;
  }
}

/** What a syscall's return value reads as in a trace. */
export function retname(ret: number): string {
  return errname(ret);
}

/**
 * kernel/exit.c: do_exit, reduced to io_uring_files_cancel (wait for the task's io_uring requests)
 * and exit_task_work: the task runs its pending task_work until the
 * list is empty, then marks it so that later task_work_add calls fail with -ESRCH.
 */
export const do_exit = kfunc('kernel/exit.c', function* do_exit(cx: Kcx) {
  const task = current(cx);
  yield* io_uring_cancel_generic(cx);
  const list = task.task_works;
  for (;;) {
    const batch = yield* run(
      atomic('exit_task_work: task_work_run', [list], () => {
        const works = list.works;
        list.works = [];
        if (works.length === 0) list.exiting = true;
        return works as CallbackHead<Kcx>[];
      }),
    );
    if (batch.length === 0) return;
    for (const work of batch) yield* work.func(cx);
  }
});
