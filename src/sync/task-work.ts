import type { Actor } from '../core/actor.js';
import type { Cx } from '../core/frames.js';
import { atomic, type Program, type Provider, run, type SimObject } from '../core/op.js';
import type { ThreadInfo } from './thread-info.js';

/** include/linux/task_work.h: enum task_work_notify_mode. */
export type TaskWorkNotify = 'TWA_NONE' | 'TWA_RESUME' | 'TWA_SIGNAL' | 'TWA_SIGNAL_NO_IPI';

/** A queued callback (struct callback_head); `func` runs in the target task's context. */
export interface CallbackHead<C extends Cx = Cx> {
  readonly name: string;
  readonly func: (cx: C) => Program<void>;
}

/** A task's task_work list (task->task_works): pushed at the head, so it runs newest first. */
export class TaskWorkList implements SimObject {
  readonly name: string;
  works: CallbackHead<never>[] = [];
  /** Set by exit_task_work: later task_work_add calls fail with -ESRCH. */
  exiting = false;

  constructor(
    readonly oid: number,
    readonly owner: Actor,
  ) {
    this.name = `${owner.label}.task_works`;
  }

  /** Only the owning task runs its task_work. */
  providers(): Provider[] {
    return [{ actor: this.owner, how: 'run its task_work' }];
  }
}

/** What task_work_add needs of the target task. */
export interface TaskWorkTarget {
  readonly actor: Actor;
  readonly ti: ThreadInfo;
  readonly task_works: TaskWorkList;
}

const ESRCH = 3;

/**
 * kernel/task_work.c: task_work_add. Queues `work` on `task`; TWA_SIGNAL and TWA_SIGNAL_NO_IPI
 * set TIF_NOTIFY_SIGNAL, which wakes only a TASK_INTERRUPTIBLE sleeper (the wait guards read it);
 * TWA_SIGNAL also kicks a task running in user mode into the kernel. Nothing wakes a
 * TASK_UNINTERRUPTIBLE sleeper.
 */
export function task_work_add<C extends Cx>(
  task: TaskWorkTarget,
  work: CallbackHead<C>,
  notify: TaskWorkNotify,
): Program<number> {
  return run(
    atomic(
      `task_work_add(${task.actor.label}, ${work.name}, ${notify})`,
      [task.task_works, task.ti],
      () => {
        if (task.task_works.exiting) return -ESRCH;
        task.task_works.works.unshift(work as CallbackHead<never>);
        if (notify === 'TWA_SIGNAL' || notify === 'TWA_SIGNAL_NO_IPI') {
          task.ti.notifySignal = true;
          if (notify === 'TWA_SIGNAL') task.ti.kicked = true;
        }
        return 0;
      },
      () => (notify === 'TWA_SIGNAL' || notify === 'TWA_SIGNAL_NO_IPI' ? 'TIF_NOTIFY_SIGNAL set' : ''),
    ),
  );
}

/** include/linux/task_work.h: task_work_pending. */
export function task_work_pending(task: TaskWorkTarget): boolean {
  return task.task_works.works.length > 0;
}

/**
 * kernel/task_work.c: task_work_run. Takes the whole list, runs each callback in the current
 * task's context, and repeats until the list stays empty.
 */
export function* task_work_run<C extends Cx>(cx: C, task: TaskWorkTarget): Program<void> {
  for (;;) {
    const batch = yield* run(
      atomic(`task_work_run: take ${task.actor.label}'s task_work`, [task.task_works], () => {
        const works = task.task_works.works;
        task.task_works.works = [];
        return works as CallbackHead<C>[];
      }),
    );
    if (batch.length === 0) return;
    for (const work of batch) yield* work.func(cx);
  }
}
