import { kfunc } from '../../core/frames.js';
import { atomic, run } from '../../core/op.js';
import { EINVAL } from '../../sync/errno.js';
import { SIGKILL } from '../../sync/thread-info.js';
import { current, type Kcx } from '../sched.js';

const ESRCH = 3;

/**
 * kernel/signal.c: kill_pid_info -> send_signal_locked -> complete_signal -> signal_wake_up.
 * Queues the signal and sets TIF_SIGPENDING; signal_wake_up wakes a TASK_INTERRUPTIBLE sleeper
 * (TASK_WAKEKILL ones too for SIGKILL; the wait guards read the flags) and kicks a task running in
 * user mode into the kernel. TASK_UNINTERRUPTIBLE sleepers stay asleep, even for SIGKILL.
 */
export const __x64_sys_kill = kfunc(
  'kernel/signal.c',
  function* __x64_sys_kill(cx: Kcx, pid: number, sig: number) {
    const target = [...cx.k.tasks.values()].find((t) => t.pid === pid && t.actor.kind === 'task');
    if (!target) return -ESRCH;
    return yield* run(
      atomic(
        `send_signal_locked(${sig}, ${target.actor.label})`,
        [target.ti],
        () => {
          if (target.actor.pending === null) return -ESRCH;
          target.ti.signals.add(sig);
          target.ti.sigpending = true;
          target.ti.kicked = true;
          return 0;
        },
        () => `TIF_SIGPENDING set on ${target.actor.label}${sig === SIGKILL ? ' (SIGKILL)' : ''}`,
      ),
    );
  },
);

/** kernel/signal.c: rt_sigaction, installing a user handler for `sig`, with or without SA_RESTART. */
export const __x64_sys_rt_sigaction = kfunc(
  'kernel/signal.c',
  function* __x64_sys_rt_sigaction(cx: Kcx, sig: number, sa_restart: boolean) {
    yield* [];
    if (sig === SIGKILL) return -EINVAL;
    current(cx).sighand.set(sig, { sa_restart });
    return 0;
  },
);
