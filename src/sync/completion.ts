import { atomic, guarded, type Program, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';
import type { LockCx } from './lock-class.js';
import { wokenBy } from './wait.js';

/** include/linux/completion.h: the `done` value complete_all() leaves (UINT_MAX). */
const COMPLETE_ALL = Number.MAX_SAFE_INTEGER;

/**
 * kernel/sched/completion.c: struct completion. `done` counts completions not yet consumed;
 * each wait consumes one, and complete_all() satisfies every wait until reinit_completion().
 * Any actor may complete it, so a stuck waiter has no single provider the model can name.
 */
export class Completion implements SimObject {
  done = 0;

  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

/** include/linux/completion.h: DECLARE_COMPLETION. */
export function DECLARE_COMPLETION(world: World, name: string): Completion {
  return new Completion(world.oid(), name);
}

/** kernel/sched/completion.c: complete. Wakes one waiter (or lets the next wait pass). */
export function complete(_cx: LockCx, x: Completion): Program<void> {
  return run(
    atomic(`complete(&${x.name})`, [x], () => {
      if (x.done !== COMPLETE_ALL) x.done++;
    }),
  );
}

/** kernel/sched/completion.c: complete_all. Every wait passes until reinit_completion. */
export function complete_all(_cx: LockCx, x: Completion): Program<void> {
  return run(atomic(`complete_all(&${x.name})`, [x], () => void (x.done = COMPLETE_ALL)));
}

/** include/linux/completion.h: reinit_completion. */
export function reinit_completion(_cx: LockCx, x: Completion): Program<void> {
  return run(atomic(`reinit_completion(&${x.name})`, [x], () => void (x.done = 0)));
}

/** kernel/sched/completion.c: wait_for_completion. Sleeps TASK_UNINTERRUPTIBLE until completed. */
export function wait_for_completion(_cx: LockCx, x: Completion): Program<void> {
  return run(
    guarded(
      `wait_for_completion(&${x.name})`,
      [x],
      {
        state: 'D',
        object: x,
        until: `${x.name} is completed`,
        wokenBy: wokenBy('D'),
        sleepFrames: [
          'wait_for_completion',
          '__wait_for_common',
          'schedule_timeout',
          'schedule',
          '__schedule',
        ],
      },
      () => x.done > 0,
      () => {
        if (x.done !== COMPLETE_ALL) x.done--;
      },
    ),
  );
}

/** kernel/sched/completion.c: try_wait_for_completion; true when a completion was consumed. */
export function try_wait_for_completion(_cx: LockCx, x: Completion): Program<boolean> {
  return run(
    atomic(`try_wait_for_completion(&${x.name})`, [x], () => {
      if (x.done === 0) return false;
      if (x.done !== COMPLETE_ALL) x.done--;
      return true;
    }),
  );
}

/** kernel/sched/completion.c: completion_done; true when a wait would not sleep. */
export function completion_done(x: Completion): boolean {
  return x.done > 0;
}
