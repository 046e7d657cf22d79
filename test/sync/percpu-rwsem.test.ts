import { describe, expect, it } from 'vitest';
import { kfunc } from '../../src/core/frames.js';
import { World } from '../../src/core/world.js';
import { lockClass } from '../../src/sync/lock-class.js';
import {
  PercpuRwSemaphore,
  percpu_down_read,
  percpu_down_write,
  percpu_rwsem_acquire,
  percpu_rwsem_release,
  percpu_up_read,
  percpu_up_write,
  type ReadHold,
} from '../../src/sync/percpu-rwsem.js';
import { runActor, spawnActor, type TestCx } from '../helpers/drive.js';

function setup(record = false) {
  const w = new World({ record });
  const sem = new PercpuRwSemaphore(w.oid(), lockClass('sb_writers', 12, [0, 0], 1));
  return { w, sem };
}

describe('percpu rwsem read side', () => {
  it('admits any number of readers and records them on actor.held', () => {
    const { w, sem } = setup();
    expect(sem.name).toBe('sb_writers#12/1');
    const sb_start_write = kfunc('fs/super.c', function* sb_start_write(cx: TestCx) {
      yield* percpu_down_read(cx, sem);
    });
    const r1 = spawnActor(w, 'r1', sb_start_write);
    const r2 = spawnActor(w, 'r2', sb_start_write);
    runActor(w, r1);
    runActor(w, r2);
    expect(sem.readers).toEqual([
      { owner: r1, what: r1.label },
      { owner: r2, what: r2.label },
    ]);
    expect(r1.held).toEqual([{ lock: sem, site: 'sb_start_write', read: true }]);
  });

  it('percpu_up_read drops the caller’s hold and refuses a caller without one', () => {
    const { w, sem } = setup();
    const r = spawnActor(w, 'r', function* (cx) {
      yield* percpu_down_read(cx, sem);
      yield* percpu_up_read(cx, sem);
    });
    const other = spawnActor(w, 'other', function* (cx) {
      yield* percpu_down_read(cx, sem);
    });
    runActor(w, r);
    runActor(w, other);
    runActor(w, r);
    expect(sem.readers.map((h) => h.owner)).toEqual([other]);
    expect(r.held).toEqual([]);
    expect(other.held.map((h) => h.lock)).toEqual([sem]);
    const stray = spawnActor(w, 'stray', (cx) => percpu_up_read(cx, sem));
    expect(() => runActor(w, stray)).toThrow(/percpu_up_read\(.*\) without a read hold/);
    expect(sem.readers).toHaveLength(1);
  });
});

describe('percpu_down_write', () => {
  it('blocks new readers first, then waits in D for existing readers to drain', () => {
    const { w, sem } = setup(true);
    const reader = spawnActor(w, 'reader', function* (cx) {
      yield* percpu_down_read(cx, sem);
      yield* percpu_up_read(cx, sem);
    });
    runActor(w, reader);
    const freezer = spawnActor(w, 'freeze', function* (cx) {
      yield* percpu_down_write(cx, sem);
      yield* percpu_up_write(cx, sem);
    });
    // First step: block readers; it succeeds although a reader holds the lock.
    runActor(w, freezer);
    expect(sem.writer).toBe(freezer);
    expect(freezer.held).toEqual([{ lock: sem, site: '(none)', read: false }]);
    // Second step: wait for the reader to drain.
    expect(freezer.status()).toBe('blocked');
    expect(freezer.pending!.wait).toMatchObject({ state: 'D', until: `readers of ${sem.name} to drain` });
    // A new reader now waits for the thaw.
    const late = spawnActor(w, 'late', (cx) => percpu_down_read(cx, sem));
    expect(late.status()).toBe('blocked');
    expect(late.pending!.wait).toMatchObject({ state: 'D', until: `${sem.name} to be thawed` });
    // While the writer waits for readers, the readers are the ones who can help it...
    expect(sem.providers(freezer)).toEqual([
      { actor: reader, how: `drop its read hold of ${sem.name} (${reader.label})` },
    ]);
    // ...and a blocked reader can only be helped by the writer.
    expect(sem.providers(late)).toEqual([{ actor: freezer, how: `thaw (percpu_up_write ${sem.name})` }]);
    runActor(w, reader);
    expect(w.trace!.at(-1)!.wakes).toEqual([freezer.id]);
    expect(late.status()).toBe('blocked');
    runActor(w, freezer, 2);
    expect(sem.writer).toBeNull();
    expect(freezer.held).toEqual([]);
    expect(w.trace!.at(-1)!.wakes).toEqual([late.id]);
    runActor(w, late);
    expect(sem.readers.map((h) => h.owner)).toEqual([late]);
  });

  it('a second writer waits for the first to thaw', () => {
    const { w, sem } = setup();
    const f1 = spawnActor(w, 'f1', (cx) => percpu_down_write(cx, sem));
    runActor(w, f1, 2);
    expect(f1.status()).toBe('exited');
    const f2 = spawnActor(w, 'f2', (cx) => percpu_down_write(cx, sem));
    expect(f2.status()).toBe('blocked');
    expect(f2.pending!.wait!.until).toBe(`${sem.name} to have no writer`);
    const thief = spawnActor(w, 'thief', (cx) => percpu_up_write(cx, sem));
    expect(() => runActor(w, thief)).toThrow(/by a non-owner/);
    expect(sem.writer).toBe(f1);
  });
});

describe('handing a read hold to I/O in flight', () => {
  it('release removes it from actor.held but keeps it counted; acquire in another actor takes it back', () => {
    const { w, sem } = setup(true);
    let hold: ReadHold | null = null;
    const submit = spawnActor(w, 'submit', function* (cx) {
      yield* percpu_down_read(cx, sem);
      hold = percpu_rwsem_release(cx, sem, 'a write in flight');
    });
    runActor(w, submit);
    expect(submit.status()).toBe('exited');
    expect(submit.held).toEqual([]);
    expect(sem.readers).toEqual([{ owner: null, what: 'a write in flight' }]);
    expect(sem.readers[0]).toBe(hold);

    const freezer = spawnActor(w, 'freeze', (cx) => percpu_down_write(cx, sem));
    runActor(w, freezer);
    expect(freezer.status()).toBe('blocked');
    // Nobody in particular holds it now: the provider is the I/O, not a task.
    expect(sem.providers(freezer)).toEqual([
      { actor: null, how: `drop its read hold of ${sem.name} (a write in flight)` },
    ]);

    const end_io = kfunc('fs/iomap/direct-io.c', function* iomap_dio_complete(cx: TestCx) {
      percpu_rwsem_acquire(cx, sem, hold!);
      yield* percpu_up_read(cx, sem, hold!);
    });
    const completer = spawnActor(w, 'completer', end_io);
    // The acquire ran at spawn (it is not a step); the hold is the completer's now.
    expect(completer.held).toEqual([{ lock: sem, site: 'iomap_dio_complete', read: true }]);
    expect(sem.readers).toEqual([{ owner: completer, what: completer.label }]);
    expect(sem.providers(freezer).map((p) => p.actor)).toEqual([completer]);
    runActor(w, completer);
    expect(completer.held).toEqual([]);
    expect(sem.readers).toEqual([]);
    expect(w.trace!.at(-1)!.wakes).toEqual([freezer.id]);
  });

  it('percpu_rwsem_release without a read hold throws', () => {
    const { w, sem } = setup();
    const t = spawnActor(w, 't', function* () {});
    expect(() => percpu_rwsem_release({ actor: t, world: w }, sem, 'nothing')).toThrow(
      /percpu_rwsem_release\(.*\) without a read hold/,
    );
  });

  it('releases the caller’s own hold, not another task’s', () => {
    const { w, sem } = setup();
    const a = spawnActor(w, 'a', (cx) => percpu_down_read(cx, sem));
    runActor(w, a);
    let hold: ReadHold | null = null;
    const b = spawnActor(w, 'b', function* (cx) {
      yield* percpu_down_read(cx, sem);
      hold = percpu_rwsem_release(cx, sem, 'in flight');
    });
    runActor(w, b);
    expect(hold).toBe(sem.readers[1]);
    expect(sem.readers[0]).toEqual({ owner: a, what: a.label });
    expect(a.held.map((h) => h.lock)).toEqual([sem]);
  });
});
