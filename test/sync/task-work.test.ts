import { describe, expect, it } from 'vitest';
import { kfunc } from '../../src/core/frames.js';
import { atomic, type Program, run } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import {
  type CallbackHead,
  TaskWorkList,
  type TaskWorkNotify,
  type TaskWorkTarget,
  task_work_add,
  task_work_pending,
  task_work_run,
} from '../../src/sync/task-work.js';
import { ThreadInfo } from '../../src/sync/thread-info.js';
import { runActor, runUntilStuck, spawnActor, type TestCx } from '../helpers/drive.js';

/** Spawns a task with its thread_info and task_work list; `body` runs with the target in hand. */
function spawnTask(
  w: World,
  comm: string,
  body: (cx: TestCx, self: TaskWorkTarget) => Program<unknown>,
): TaskWorkTarget {
  let target: TaskWorkTarget | null = null;
  w.spawn('task', comm, 500 + w.actors.length, (actor) => {
    const t: TaskWorkTarget = {
      actor,
      ti: new ThreadInfo(w.oid(), comm),
      task_works: new TaskWorkList(w.oid(), actor),
    };
    target = t;
    return (function* () {
      yield* body({ actor, world: w }, t);
    })();
  });
  return target!;
}

/** A callback that logs its name and the actor running it, then optionally does more. */
function cb(log: string[], name: string, then?: (cx: TestCx) => Program<unknown>): CallbackHead<TestCx> {
  return {
    name,
    func: function* (cx: TestCx) {
      log.push(`${name} by ${cx.actor.comm}`);
      yield atomic(`${name} body`, [], () => undefined);
      if (then) yield* then(cx);
    },
  };
}

/** Adds `work` to `target` from a separate actor, in one step; returns what task_work_add returned. */
function addFrom(w: World, target: TaskWorkTarget, work: CallbackHead<TestCx>, mode: TaskWorkNotify) {
  const ret: number[] = [];
  const adder = spawnActor(w, 'adder', function* () {
    ret.push(yield* task_work_add(target, work, mode));
  });
  runActor(w, adder);
  return ret[0];
}

describe('TaskWorkList', () => {
  it('is named after its owner and names the owner as the only provider', () => {
    const w = new World();
    const t = spawnTask(w, 'fio', function* () {});
    expect(t.task_works.name).toBe(`${t.actor.label}.task_works`);
    expect(t.task_works.providers()).toEqual([{ actor: t.actor, how: 'run its task_work' }]);
  });
});

describe('task_work_add', () => {
  it('pushes at the head, so the list holds the newest callback first', () => {
    const w = new World();
    const log: string[] = [];
    const t = spawnTask(w, 't', function* () {});
    const a = cb(log, 'a');
    const b = cb(log, 'b');
    expect(task_work_pending(t)).toBe(false);
    expect(addFrom(w, t, a, 'TWA_RESUME')).toBe(0);
    expect(addFrom(w, t, b, 'TWA_RESUME')).toBe(0);
    expect(t.task_works.works).toEqual([b, a]);
    expect(task_work_pending(t)).toBe(true);
    expect(log).toEqual([]);
  });

  it.each([
    ['TWA_SIGNAL', true, true],
    ['TWA_SIGNAL_NO_IPI', true, false],
    ['TWA_RESUME', false, false],
    ['TWA_NONE', false, false],
  ] as const)('%s sets notifySignal=%s and kicked=%s', (mode, notify, kicked) => {
    const w = new World({ record: true });
    const t = spawnTask(w, 't', function* () {});
    addFrom(w, t, cb([], 'work'), mode);
    expect(t.ti.notifySignal).toBe(notify);
    expect(t.ti.kicked).toBe(kicked);
    // Never a real signal.
    expect(t.ti.sigpending).toBe(false);
    expect(t.task_works.works).toHaveLength(1);
    expect(w.trace![0]!.note).toBe(notify ? 'TIF_NOTIFY_SIGNAL set' : '');
    expect(w.trace![0]!.label).toBe(`task_work_add(${t.actor.label}, work, ${mode})`);
  });

  it('returns -ESRCH (-3) once the list is exiting, queueing nothing and setting no flag', () => {
    const w = new World();
    const t = spawnTask(w, 't', function* () {});
    t.task_works.exiting = true;
    expect(addFrom(w, t, cb([], 'late'), 'TWA_SIGNAL')).toBe(-3);
    expect(t.task_works.works).toEqual([]);
    expect(t.ti.notifySignal).toBe(false);
    expect(t.ti.kicked).toBe(false);
  });
});

describe('task_work_run', () => {
  it('runs callbacks newest first, in the running task’s context and call frames', () => {
    const w = new World();
    const log: string[] = [];
    const frames: string[][] = [];
    const exit_to_user_mode = kfunc('kernel/entry/common.c', function* exit_to_user_mode(cx: TestCx) {
      yield* task_work_run(cx, self);
    });
    const self = spawnTask(w, 'runner', function* (cx) {
      // Wait until both callbacks are queued.
      yield atomic('start', [], () => undefined);
      yield* exit_to_user_mode(cx);
    });
    const seeFrames = function* (cx: TestCx): Program<void> {
      frames.push(cx.actor.frames.map((f) => f.name));
    };
    addFrom(w, self, cb(log, 'first', seeFrames), 'TWA_RESUME');
    addFrom(w, self, cb(log, 'second'), 'TWA_RESUME');
    runUntilStuck(w, self.actor);
    expect(self.actor.status()).toBe('exited');
    expect(log).toEqual(['second by runner', 'first by runner']);
    expect(frames).toEqual([['exit_to_user_mode']]);
    expect(self.task_works.works).toEqual([]);
  });

  it('runs again until the list stays empty, including work queued by a callback', () => {
    const w = new World({ record: true });
    const log: string[] = [];
    const self = spawnTask(w, 'runner', function* (cx, me) {
      yield atomic('start', [], () => undefined);
      yield* task_work_run(cx, me);
    });
    const requeue = () => task_work_add(self, cb(log, 'queued by a callback'), 'TWA_SIGNAL');
    addFrom(w, self, cb(log, 'outer', requeue), 'TWA_RESUME');
    runUntilStuck(w, self.actor);
    expect(log).toEqual(['outer by runner', 'queued by a callback by runner']);
    expect(self.actor.status()).toBe('exited');
    // One take per non-empty batch plus the final empty one.
    const takes = w.trace!.filter((r) => r.label.startsWith('task_work_run: take'));
    expect(takes).toHaveLength(3);
    expect(takes.every((r) => r.actor === self.actor.id)).toBe(true);
  });

  it('returns after one empty take when nothing is queued', () => {
    const w = new World();
    const self = spawnTask(w, 'runner', (cx, me) => task_work_run(cx, me));
    expect(runUntilStuck(w, self.actor)).toBe(1);
    expect(self.actor.status()).toBe('exited');
  });

  it('takes the whole list in one step: work queued meanwhile waits for the next round', () => {
    const w = new World();
    const log: string[] = [];
    const self = spawnTask(w, 'runner', (cx, me) => task_work_run(cx, me));
    addFrom(w, self, cb(log, 'a'), 'TWA_RESUME');
    runActor(w, self.actor); // takes [a]
    expect(self.task_works.works).toEqual([]);
    addFrom(w, self, cb(log, 'b'), 'TWA_RESUME');
    runActor(w, self.actor); // runs a's body
    expect(log).toEqual(['a by runner']);
    expect(self.task_works.works).toHaveLength(1);
    runUntilStuck(w, self.actor);
    expect(log).toEqual(['a by runner', 'b by runner']);
  });

  it('does not run another task’s work in the adder', () => {
    const w = new World();
    const log: string[] = [];
    const self = spawnTask(w, 'owner', function* () {});
    const work = cb(log, 'w');
    const adder = spawnActor(w, 'adder', function* () {
      yield* task_work_add(self, work, 'TWA_SIGNAL');
    });
    runUntilStuck(w, adder);
    expect(log).toEqual([]);
    expect(self.task_works.works).toEqual([work]);
  });
});

describe('task_work callbacks and their result', () => {
  it('a callback can use run() ops and see its own steps in order', () => {
    const w = new World();
    const seen: number[] = [];
    const self = spawnTask(w, 'runner', function* (cx, me) {
      yield atomic('start', [], () => undefined);
      yield* task_work_run(cx, me);
    });
    addFrom(
      w,
      self,
      {
        name: 'count',
        func: function* () {
          seen.push(yield* run(atomic('one', [], () => 1)));
          seen.push(yield* run(atomic('two', [], () => 2)));
        },
      },
      'TWA_RESUME',
    );
    runUntilStuck(w, self.actor);
    expect(seen).toEqual([1, 2]);
  });
});
