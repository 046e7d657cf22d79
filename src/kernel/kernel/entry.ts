import { LockstepError } from '../../core/errors.js';
import { frame, inFrame, kfunc } from '../../core/frames.js';
import { atomic, type Program, run } from '../../core/op.js';
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, errname } from '../../sync/errno.js';
import { type CallbackHead, task_work_pending, task_work_run } from '../../sync/task-work.js';
import { current, type Kcx } from '../sched.js';

const ENTRY_SYSCALL = frame('arch/x86/entry/entry_64.S', 'entry_SYSCALL_64_after_hwframe');
const DO_SYSCALL_64 = frame('arch/x86/entry/common.c', 'do_syscall_64');
const SYSVEC = frame('arch/x86/kernel/smp.c', 'sysvec_call_function_single');

/**
 * kernel/signal.c: get_signal. Clears TIF_NOTIFY_SIGNAL, runs pending task_work, and returns
 * false when no real signal is pending (task_sigpending), which is all io_uring ever raises.
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
  const sig = yield* run(atomic('get_signal: task_sigpending', [task.ti], () => task.ti.task_sigpending()));
  if (sig) {
    throw new LockstepError('E_MODEL_UNSUPPORTED', 'signal delivery is not modelled yet', 'send no signals');
  }
  return false;
});

/**
 * arch/x86/kernel/signal.c: arch_do_signal_or_restart. With no signal to deliver, a syscall that
 * returned -ERESTARTSYS, -ERESTARTNOHAND or -ERESTARTNOINTR is restarted (ip -= 2): the user
 * never sees it. Returns true when the syscall must re-execute.
 */
export const arch_do_signal_or_restart = kfunc(
  'arch/x86/kernel/signal.c',
  function* arch_do_signal_or_restart(cx: Kcx, ret: number | null) {
    if (yield* get_signal(cx)) return false;
    return ret === -ERESTARTSYS || ret === -ERESTARTNOHAND || ret === -ERESTARTNOINTR;
  },
);

/**
 * kernel/entry/common.c: exit_to_user_mode_loop. While TIF_SIGPENDING or TIF_NOTIFY_SIGNAL is set,
 * handle it (task_work runs here). `ret` is the syscall's return value, null on an interrupt return.
 */
export const exit_to_user_mode_loop = kfunc(
  'kernel/entry/common.c',
  function* exit_to_user_mode_loop(cx: Kcx, ret: number | null) {
    const ti = current(cx).ti;
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
      if (!work) return restart;
      if (yield* arch_do_signal_or_restart(cx, ret)) restart = true;
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
    cx.actor.frames.push(ENTRY_SYSCALL, DO_SYSCALL_64);
    const ret = yield* body();
    const restart = yield* exit_to_user_mode_loop(cx, ret);
    cx.actor.frames.length -= 2;
    task.inKernel = false;
    if (!restart) return ret;
  }
}

/** What a syscall's return value reads as in a trace. */
export function retname(ret: number): string {
  return errname(ret);
}

/**
 * kernel/exit.c: do_exit, reduced to exit_task_work: the task runs its pending task_work until the
 * list is empty, then marks it so that later task_work_add calls fail with -ESRCH.
 */
export const do_exit = kfunc('kernel/exit.c', function* do_exit(cx: Kcx) {
  const task = current(cx);
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
