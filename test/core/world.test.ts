import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { type Cx, callSite, frame, inFrame, kfunc, modelFunctions } from '../../src/core/frames.js';
import { atomic, guarded, type Op, type Program, run, type SimObject } from '../../src/core/op.js';
import { defineSlot, World } from '../../src/core/world.js';
import { runActor, runAll } from '../helpers/drive.js';

interface Flag extends SimObject {
  up: boolean;
}

const newFlag = (w: World, name = 'flag'): Flag => ({ oid: w.oid(), name, up: false });

/** An op that waits until the flag is up, as an idle kthread wait or a D-state sleep. */
const waitFlag = (flag: Flag, idle = false): Op<string> =>
  guarded(
    `wait(${flag.name})`,
    [flag],
    { state: 'D', object: flag, until: `${flag.name} up`, wokenBy: 'nothing', idle, sleepFrames: [] },
    () => flag.up,
    () => 'woke',
  );

const raise = (flag: Flag): Op<boolean> =>
  atomic(
    `raise(${flag.name})`,
    [flag],
    () => (flag.up = true),
    () => `${flag.name} is up`,
  );

const nop = (label: string): Op<void> => atomic(label, [], () => undefined);

/** A program of one op (spawn wants programs that return nothing). */
function* once(op: Op): Program<void> {
  yield op;
}

describe('World.spawn', () => {
  it('runs the program up to its first op and no further', () => {
    const w = new World();
    const log: string[] = [];
    const a = w.spawn('task', 'prog', 10, () =>
      (function* () {
        log.push('before first op');
        yield nop('first');
        log.push('after first op');
      })(),
    );
    expect(log).toEqual(['before first op']);
    expect(a.pending?.label).toBe('first');
    expect(a.status()).toBe('runnable');
    w.take({ actor: a.id, alt: 0 });
    expect(log).toEqual(['before first op', 'after first op']);
    expect(a.status()).toBe('exited');
  });

  it('numbers actors in creation order and labels them as lockdep prints tasks', () => {
    const w = new World();
    const empty = () => (function* () {})();
    const t = w.spawn('task', 'fio', 501, empty);
    const k = w.spawn('kthread', 'kworker/0:1', 40, empty);
    const i = w.spawn('irq', 'hardirq/nvme0n1', 0, empty);
    expect([t.id, k.id, i.id]).toEqual([0, 1, 2]);
    expect(w.actors).toEqual([t, k, i]);
    expect([t.label, k.label, i.label]).toEqual(['fio/501', 'kworker/0:1/40', 'hardirq/nvme0n1']);
    expect(i.kind).toBe('irq');
  });

  it('passes the new actor to the program factory', () => {
    const w = new World();
    let seen: Actor | null = null;
    const a = w.spawn('task', 'me', 7, (actor) => {
      seen = actor;
      return (function* () {})();
    });
    expect(seen).toBe(a);
  });
});

describe('World.choices and take', () => {
  it('lists runnable actors by id, one choice per alternative', () => {
    const w = new World();
    const flag = newFlag(w);
    const three: Op<number> = {
      label: 'pick one of three',
      touches: [],
      alternatives: 3,
      enabled: () => true,
      perform: (alt) => alt,
    };
    w.spawn('task', 'blocked', 1, () =>
      (function* () {
        yield waitFlag(flag);
      })(),
    );
    w.spawn('task', 'plain', 2, () =>
      (function* () {
        yield nop('x');
      })(),
    );
    w.spawn('task', 'multi', 3, () =>
      (function* () {
        yield three;
      })(),
    );
    expect(w.choices()).toEqual([
      { actor: 1, alt: 0 },
      { actor: 2, alt: 0 },
      { actor: 2, alt: 1 },
      { actor: 2, alt: 2 },
    ]);
  });

  it('runs exactly one step, sends the result back and returns the op', () => {
    const w = new World();
    const got: unknown[] = [];
    const three: Op<number> = {
      label: 'pick',
      touches: [],
      alternatives: 3,
      enabled: () => true,
      perform: (alt) => alt * 10,
    };
    const a = w.spawn('task', 't', 1, () =>
      (function* () {
        got.push(yield three);
        got.push(yield nop('second'));
      })(),
    );
    const op = w.take({ actor: a.id, alt: 2 });
    expect(op).toBe(three);
    expect(got).toEqual([20]);
    expect(w.steps).toBe(1);
    expect(a.pending?.label).toBe('second');
    w.take({ actor: a.id, alt: 0 });
    expect(got).toEqual([20, undefined]);
    expect(w.steps).toBe(2);
  });

  it('marks an actor whose program returned as exited and refuses to step it', () => {
    const w = new World();
    const a = w.spawn('task', 't', 1, () =>
      (function* () {
        yield nop('only');
      })(),
    );
    runAll(w);
    expect(a.status()).toBe('exited');
    expect(a.pending).toBeNull();
    expect(w.choices()).toEqual([]);
    expect(() => a.step(0)).toThrow(/t\/1 has exited/);
  });

  it('an actor with no ops exits at spawn', () => {
    const w = new World();
    const a = w.spawn('task', 't', 1, () => (function* () {})());
    expect(a.status()).toBe('exited');
    expect(w.choices()).toEqual([]);
  });
});

describe('actor status', () => {
  function setup(idle: boolean) {
    const w = new World();
    const flag = newFlag(w);
    const waiter = w.spawn(idle ? 'kthread' : 'task', 'waiter', 1, () =>
      (function* () {
        yield waitFlag(flag, idle);
      })(),
    );
    const done = w.spawn('task', 'done', 2, () => (function* () {})());
    const raiser = w.spawn('task', 'raiser', 3, () => once(raise(flag)));
    return { w, flag, waiter, done, raiser };
  }

  it('a guarded op that is not ready blocks the actor until it is', () => {
    const { w, waiter, raiser } = setup(false);
    expect(waiter.status()).toBe('blocked');
    expect(w.choices()).toEqual([{ actor: raiser.id, alt: 0 }]);
    expect(w.blocked()).toEqual([waiter]);
    runActor(w, raiser);
    expect(waiter.status()).toBe('runnable');
    expect(w.blocked()).toEqual([]);
  });

  it('a not-ready op whose wait says idle makes the actor idle, not blocked', () => {
    const { w, waiter, raiser } = setup(true);
    expect(waiter.status()).toBe('idle');
    expect(w.blocked()).toEqual([]);
    // Idle is still not runnable.
    expect(w.choices()).toEqual([{ actor: raiser.id, alt: 0 }]);
    runActor(w, raiser);
    expect(waiter.status()).toBe('runnable');
  });

  it('blocked() leaves out idle and exited actors', () => {
    const w = new World();
    const f1 = newFlag(w, 'f1');
    const f2 = newFlag(w, 'f2');
    const b1 = w.spawn('task', 'b1', 1, () => once(waitFlag(f1)));
    w.spawn('kthread', 'idle', 2, () => once(waitFlag(f1, true)));
    w.spawn('task', 'gone', 3, () => (function* () {})());
    const b2 = w.spawn('task', 'b2', 4, () => once(waitFlag(f2)));
    w.spawn('task', 'ready', 5, () => once(nop('x')));
    expect(w.actors.map((a) => a.status())).toEqual(['blocked', 'idle', 'exited', 'blocked', 'runnable']);
    expect(w.blocked()).toEqual([b1, b2]);
  });
});

describe('trace recording', () => {
  it('is off by default', () => {
    const w = new World();
    w.spawn('task', 't', 1, () => once(nop('x')));
    runAll(w);
    expect(w.trace).toBeNull();
    expect(w.steps).toBe(1);
  });

  it('records index, actor, alt, label, frames, note and the actors a step woke', () => {
    const w = new World({ record: true });
    const flag = newFlag(w);
    const other = newFlag(w, 'other');
    const waitIn = kfunc('fs/test.c', function* test_wait(_cx: Cx, f: Flag, idle: boolean) {
      return yield* run(waitFlag(f, idle));
    });
    const blocker = w.spawn('task', 'blocker', 1, (actor) =>
      (function* () {
        yield* waitIn({ actor }, flag, false);
      })(),
    );
    const sleeper = w.spawn('kthread', 'sleeper', 2, (actor) =>
      (function* () {
        yield* waitIn({ actor }, flag, true);
      })(),
    );
    // Blocked on something else: the raise does not wake it.
    const bystander = w.spawn('task', 'bystander', 3, () => once(waitFlag(other)));
    const raiser = w.spawn('task', 'raiser', 4, () => once(raise(flag)));
    runActor(w, raiser);
    runActor(w, blocker);
    expect(w.trace).toMatchObject([
      {
        index: 1,
        actor: raiser.id,
        alt: 0,
        label: 'raise(flag)',
        frames: [],
        note: 'flag is up',
        wakes: [0, 1],
      },
      {
        index: 2,
        actor: blocker.id,
        alt: 0,
        label: 'wait(flag)',
        frames: ['test_wait'],
        note: '',
        wakes: [],
      },
    ]);
    expect(bystander.status()).toBe('blocked');
    expect(sleeper.status()).toBe('runnable');
  });

  it('records the frames as they were when the op ran, before the step popped them', () => {
    const w = new World({ record: true });
    const inner = kfunc('fs/inner.c', function* inner_fn(_cx: Cx) {
      yield nop('in inner');
    });
    const outer = kfunc('fs/outer.c', function* outer_fn(cx: Cx) {
      yield* inner(cx);
      yield nop('in outer');
    });
    w.spawn('task', 't', 1, (actor) => outer({ actor }));
    runAll(w);
    expect(w.trace!.map((r) => [r.label, r.frames])).toEqual([
      ['in inner', ['outer_fn', 'inner_fn']],
      ['in outer', ['outer_fn']],
    ]);
  });

  it('calls observers before the first step and after each step, only when inspecting', () => {
    const seen: [number, boolean][] = [];
    const w = new World({ inspect: true });
    const flag = newFlag(w);
    w.observe((step) => seen.push([step, flag.up]));
    w.spawn('task', 't', 1, () => once(raise(flag)));
    w.spawn('task', 'u', 2, () => once(nop('x')));
    runAll(w);
    expect(seen).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    expect(w.trace![0]!.touches).toEqual([{ oid: flag.oid, name: 'flag' }]);
    const fast = new World({ record: true });
    let calls = 0;
    fast.observe(() => calls++);
    fast.spawn('task', 't', 1, () => once(nop('x')));
    runAll(fast);
    expect(calls).toBe(0);
  });
});

describe('kfunc', () => {
  it('pushes a frame named after the function, with its file, and pops it on return', () => {
    const w = new World();
    const seen: string[][] = [];
    const show = (a: Actor) => a.frames.map((f) => `${f.file}:${f.name}`);
    const inner = kfunc('fs/iomap/direct-io.c', function* iomap_dio_rw(cx: Cx) {
      seen.push(show(cx.actor));
      yield nop('io');
      return 42;
    });
    const outer = kfunc('fs/read_write.c', function* vfs_write(cx: Cx) {
      seen.push(show(cx.actor));
      const r = yield* inner(cx);
      seen.push(show(cx.actor));
      return r + 1;
    });
    let result = 0;
    const a = w.spawn('task', 't', 1, (actor) =>
      (function* () {
        result = yield* outer({ actor });
        seen.push(show(actor));
      })(),
    );
    // While suspended in the inner op, both frames are on the actor.
    expect(show(a)).toEqual(['fs/read_write.c:vfs_write', 'fs/iomap/direct-io.c:iomap_dio_rw']);
    runAll(w);
    expect(seen).toEqual([
      ['fs/read_write.c:vfs_write'],
      ['fs/read_write.c:vfs_write', 'fs/iomap/direct-io.c:iomap_dio_rw'],
      ['fs/read_write.c:vfs_write'],
      [],
    ]);
    expect(result).toBe(43);
    expect(a.frames).toEqual([]);
  });

  it('keeps the function name and registers the function', () => {
    const f = kfunc('kernel/test.c', function* lockstep_unit_probe(_cx: Cx) {});
    expect(f.name).toBe('lockstep_unit_probe');
    expect(modelFunctions()).toContainEqual({ name: 'lockstep_unit_probe', file: 'kernel/test.c' });
  });

  it('pops frames when the function throws and names the innermost frame on the error', () => {
    const w = new World();
    const inner = kfunc('fs/inner.c', function* failing_fn(_cx: Cx) {
      yield nop('before');
      throw new Error('model bug');
    });
    const outer = kfunc('fs/outer.c', function* calling_fn(cx: Cx) {
      yield* inner(cx);
    });
    const a = w.spawn('task', 't', 1, (actor) => outer({ actor }));
    let err: unknown = null;
    try {
      w.take({ actor: a.id, alt: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect((err as { modelFrame?: unknown }).modelFrame).toEqual({ name: 'failing_fn', file: 'fs/inner.c' });
    expect(a.frames).toEqual([]);
  });

  it('callSite is the innermost frame, or (none)', () => {
    const w = new World();
    const sites: string[] = [];
    const inner = kfunc('a.c', function* site_inner(cx: Cx) {
      sites.push(callSite(cx.actor));
      yield nop('x');
    });
    const outer = kfunc('b.c', function* site_outer(cx: Cx) {
      sites.push(callSite(cx.actor));
      yield* inner(cx);
      sites.push(callSite(cx.actor));
    });
    w.spawn('task', 't', 1, (actor) =>
      (function* () {
        sites.push(callSite(actor));
        yield* outer({ actor });
      })(),
    );
    runAll(w);
    expect(sites).toEqual(['(none)', 'site_outer', 'site_inner', 'site_outer']);
  });
});

describe('inFrame', () => {
  it('runs the body under the given frame and pops it afterwards, also on throw', () => {
    const w = new World();
    const entry = frame('arch/x86/entry/entry_64.S', 'entry_SYSCALL_64');
    expect(entry).toEqual({ name: 'entry_SYSCALL_64', file: 'arch/x86/entry/entry_64.S' });
    const inside: string[][] = [];
    let result = '';
    const a = w.spawn('task', 't', 1, (actor) =>
      (function* () {
        result = yield* inFrame(
          { actor },
          entry,
          (function* () {
            inside.push(actor.frames.map((f) => f.name));
            yield nop('syscall');
            return 'ret';
          })(),
        );
        inside.push(actor.frames.map((f) => f.name));
        try {
          yield* inFrame(
            { actor },
            entry,
            (function* (): Program<void> {
              yield nop('again');
              throw new Error('boom');
            })(),
          );
        } catch {
          inside.push(actor.frames.map((f) => f.name));
        }
      })(),
    );
    expect(a.frames).toEqual([entry]);
    runAll(w);
    expect(result).toBe('ret');
    expect(inside).toEqual([['entry_SYSCALL_64'], [], []]);
  });
});

describe('world ids and slots', () => {
  it('hands out object ids from 1 in creation order, per world', () => {
    const w1 = new World();
    const w2 = new World();
    expect([w1.oid(), w1.oid(), w1.oid()]).toEqual([1, 2, 3]);
    expect(w2.oid()).toBe(1);
  });

  it('creates a slot value lazily, once per world', () => {
    let inits = 0;
    const slot = defineSlot(() => {
      inits++;
      return { hits: 0 };
    });
    const w1 = new World();
    const w2 = new World();
    expect(inits).toBe(0);
    w1.slot(slot).hits++;
    w1.slot(slot).hits++;
    expect(inits).toBe(1);
    expect(w1.slot(slot).hits).toBe(2);
    expect(w2.slot(slot).hits).toBe(0);
    expect(inits).toBe(2);
    expect(w2.slot(slot)).not.toBe(w1.slot(slot));
  });

  it('keeps different slots apart in one world', () => {
    const a = defineSlot(() => new Map<string, number>());
    const b = defineSlot(() => new Map<string, number>());
    const w = new World();
    w.slot(a).set('k', 1);
    expect(w.slot(b).has('k')).toBe(false);
    expect(w.slot(a).get('k')).toBe(1);
  });
});
