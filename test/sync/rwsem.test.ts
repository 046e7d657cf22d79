import { describe, expect, it } from 'vitest';
import { kfunc } from '../../src/core/frames.js';
import { World } from '../../src/core/world.js';
import { lockClass } from '../../src/sync/lock-class.js';
import {
  down_read,
  down_read_trylock,
  down_write,
  down_write_trylock,
  RwSemaphore,
  up_read,
  up_write,
} from '../../src/sync/rwsem.js';
import { runActor, spawnActor, type TestCx } from '../helpers/drive.js';

const cls = lockClass('&sb->s_type->i_rwsem_key', 17);

function setup(record = false) {
  const w = new World({ record });
  const sem = new RwSemaphore(w.oid(), cls);
  return { w, sem };
}

describe('RwSemaphore', () => {
  it('is named after its lock class', () => {
    const { sem } = setup();
    expect(sem.name).toBe('&sb->s_type->i_rwsem_key#17');
    expect(sem.writer).toBeNull();
    expect(sem.readers).toEqual([]);
  });
});

describe('down_write', () => {
  it('blocks in state D while a reader holds the semaphore', () => {
    const { w, sem } = setup();
    const r = spawnActor(w, 'reader', (cx) => down_read(cx, sem));
    runActor(w, r);
    const wr = spawnActor(w, 'writer', (cx) => down_write(cx, sem));
    // The contended fast path joins the wait list (one step), then the slow path sleeps.
    runActor(w, wr);
    expect(sem.waiters).toEqual([wr]);
    expect(wr.status()).toBe('blocked');
    const wait = wr.pending!.wait!;
    expect(wait.state).toBe('D');
    expect(wait.object).toBe(sem);
    expect(wait.until).toBe(`${sem.name} to be free`);
    expect(wait.sleepFrames).toContain('rwsem_down_write_slowpath');
    expect(sem.writer).toBeNull();
  });

  it('blocks while another writer holds it, and takes it once that writer releases', () => {
    const { w, sem } = setup(true);
    const w1 = spawnActor(w, 'w1', function* (cx) {
      yield* down_write(cx, sem);
      yield* up_write(cx, sem);
    });
    runActor(w, w1);
    expect(sem.writer).toBe(w1);
    const w2 = spawnActor(w, 'w2', (cx) => down_write(cx, sem));
    runActor(w, w2);
    expect(w2.status()).toBe('blocked');
    expect(w.choices()).toEqual([{ actor: w1.id, alt: 0 }]);
    runActor(w, w1);
    expect(sem.writer).toBeNull();
    expect(w1.held).toEqual([]);
    // The up_write step is recorded as waking the waiting writer.
    expect(w.trace!.at(-1)).toMatchObject({ label: `up_write(${sem.name})`, wakes: [w2.id] });
    runActor(w, w2);
    expect(sem.writer).toBe(w2);
  });
});

describe('down_read', () => {
  it('is admitted while only readers hold the semaphore', () => {
    const { w, sem } = setup();
    const r1 = spawnActor(w, 'r1', (cx) => down_read(cx, sem));
    const r2 = spawnActor(w, 'r2', (cx) => down_read(cx, sem));
    runActor(w, r1);
    expect(r2.status()).toBe('runnable');
    runActor(w, r2);
    expect(sem.readers).toEqual([r1, r2]);
  });

  it('blocks in state D while a writer holds it and is woken by up_write', () => {
    const { w, sem } = setup(true);
    const wr = spawnActor(w, 'writer', function* (cx) {
      yield* down_write(cx, sem);
      yield* up_write(cx, sem);
    });
    runActor(w, wr);
    const r = spawnActor(w, 'reader', (cx) => down_read(cx, sem));
    runActor(w, r);
    expect(r.status()).toBe('blocked');
    expect(r.pending!.wait!.state).toBe('D');
    runActor(w, wr);
    expect(w.trace!.at(-1)!.wakes).toEqual([r.id]);
    runActor(w, r);
    expect(sem.readers).toEqual([r]);
    expect(sem.waiters).toEqual([]);
  });

  it('steals the lock while a writer only waits (no FIFO handoff is modelled), but a trylock fails', () => {
    const { w, sem } = setup();
    const r1 = spawnActor(w, 'r1', (cx) => down_read(cx, sem));
    runActor(w, r1);
    const wr = spawnActor(w, 'writer', (cx) => down_write(cx, sem));
    runActor(w, wr);
    expect(wr.status()).toBe('blocked');
    const got: boolean[] = [];
    const tr = spawnActor(w, 'trier', function* (cx) {
      got.push(yield* down_read_trylock(cx, sem));
      got.push(yield* down_write_trylock(cx, sem));
    });
    runActor(w, tr, 2);
    // RWSEM_FLAG_WAITERS is in RWSEM_READ_FAILED_MASK: both trylocks fail while the writer waits.
    expect(got).toEqual([false, false]);
    const r2 = spawnActor(w, 'r2', (cx) => down_read(cx, sem));
    runActor(w, r2);
    expect(sem.readers).toEqual([r1, r2]);
  });

  it('up_read by the last reader wakes a waiting writer; an earlier one does not', () => {
    const { w, sem } = setup(true);
    const reader = (comm: string) =>
      spawnActor(w, comm, function* (cx) {
        yield* down_read(cx, sem);
        yield* up_read(cx, sem);
      });
    const r1 = reader('r1');
    const r2 = reader('r2');
    runActor(w, r1);
    runActor(w, r2);
    const wr = spawnActor(w, 'writer', (cx) => down_write(cx, sem));
    runActor(w, wr);
    runActor(w, r1);
    expect(w.trace!.at(-1)!.wakes).toEqual([]);
    expect(wr.status()).toBe('blocked');
    runActor(w, r2);
    expect(w.trace!.at(-1)!.wakes).toEqual([wr.id]);
    expect(wr.status()).toBe('runnable');
  });
});

describe('trylocks', () => {
  it('return false without blocking when the lock is taken, true when it is free', () => {
    const { w, sem } = setup();
    const got: [string, boolean][] = [];
    const reader = spawnActor(w, 'reader', function* (cx) {
      yield* down_read(cx, sem);
      yield* up_read(cx, sem);
    });
    const trier = spawnActor(w, 'trier', function* (cx) {
      got.push(['write while read-held', yield* down_write_trylock(cx, sem)]);
      got.push(['read while read-held', yield* down_read_trylock(cx, sem)]);
      yield* up_read(cx, sem);
      got.push(['write while free', yield* down_write_trylock(cx, sem)]);
    });
    const other = spawnActor(w, 'other', function* (cx) {
      got.push(['read while write-held', yield* down_read_trylock(cx, sem)]);
      got.push(['write while write-held', yield* down_write_trylock(cx, sem)]);
    });
    runActor(w, reader);
    // A trylock is an atomic step: it never has a wait and is always runnable.
    expect(trier.pending!.wait).toBeUndefined();
    runActor(w, trier, 2);
    expect(sem.readers).toEqual([reader, trier]);
    runActor(w, reader);
    runActor(w, trier, 2);
    expect(sem.writer).toBe(trier);
    runActor(w, other, 2);
    expect(other.status()).toBe('exited');
    expect(got).toEqual([
      ['write while read-held', false],
      ['read while read-held', true],
      ['write while free', true],
      ['read while write-held', false],
      ['write while write-held', false],
    ]);
    // A failed trylock leaves no trace in the lock or the held-lock stack.
    expect(other.held).toEqual([]);
    expect(sem.readers).toEqual([]);
  });
});

describe('held locks and providers', () => {
  it('pushes holds on actor.held in order, at the innermost kfunc frame of the caller', () => {
    const { w } = setup();
    const a = new RwSemaphore(w.oid(), lockClass('a'));
    const b = new RwSemaphore(w.oid(), lockClass('b'));
    const c = new RwSemaphore(w.oid(), lockClass('c'));
    const xfs_ilock = kfunc('fs/xfs/xfs_inode.c', function* xfs_ilock(cx: TestCx) {
      yield* down_read(cx, b);
    });
    const xfs_file_write_iter = kfunc('fs/xfs/xfs_file.c', function* xfs_file_write_iter(cx: TestCx) {
      yield* down_write(cx, a);
      yield* xfs_ilock(cx);
      yield* down_write_trylock(cx, c);
    });
    const t = spawnActor(w, 't', xfs_file_write_iter);
    runActor(w, t, 3);
    expect(t.held).toEqual([
      { lock: a, site: 'xfs_file_write_iter', read: false },
      { lock: b, site: 'xfs_ilock', read: true },
      { lock: c, site: 'xfs_file_write_iter', read: false },
    ]);
  });

  it('records (none) as the site when no model function is on the stack', () => {
    const { w, sem } = setup();
    const t = spawnActor(w, 't', (cx) => down_write(cx, sem));
    runActor(w, t);
    expect(t.held).toEqual([{ lock: sem, site: '(none)', read: false }]);
  });

  it('up_read and up_write remove only their own hold from actor.held', () => {
    const { w } = setup();
    const a = new RwSemaphore(w.oid(), lockClass('a'));
    const b = new RwSemaphore(w.oid(), lockClass('b'));
    const t = spawnActor(w, 't', function* (cx) {
      yield* down_write(cx, a);
      yield* down_read(cx, b);
      yield* up_write(cx, a);
      yield* up_read(cx, b);
    });
    runActor(w, t, 3);
    expect(t.held.map((h) => h.lock)).toEqual([b]);
    runActor(w, t);
    expect(t.held).toEqual([]);
    expect(a.writer).toBeNull();
    expect(b.readers).toEqual([]);
  });

  it('providers() names the writer, or every reader, with the site of the hold', () => {
    const { w, sem } = setup();
    expect(sem.providers()).toEqual([]);
    const take = kfunc('fs/inode.c', function* inode_lock_shared(cx: TestCx) {
      yield* down_read(cx, sem);
    });
    const r1 = spawnActor(w, 'r1', function* (cx) {
      yield* take(cx);
      yield* up_read(cx, sem);
    });
    const r2 = spawnActor(w, 'r2', function* (cx) {
      yield* take(cx);
      yield* up_read(cx, sem);
    });
    runActor(w, r1);
    runActor(w, r2);
    expect(sem.providers()).toEqual([
      { actor: r1, how: `release ${sem.name} (held for read since inode_lock_shared)` },
      { actor: r2, how: `release ${sem.name} (held for read since inode_lock_shared)` },
    ]);
    runActor(w, r1);
    expect(sem.providers().map((p) => p.actor)).toEqual([r2]);
    runActor(w, r2);
    const lock = kfunc('fs/inode.c', function* inode_lock(cx: TestCx) {
      yield* down_write(cx, sem);
    });
    const wr = spawnActor(w, 'wr', lock);
    runActor(w, wr);
    expect(sem.providers()).toEqual([
      { actor: wr, how: `release ${sem.name} (held for write since inode_lock)` },
    ]);
  });

  it('refuses an up_write by a non-owner and an up_read without a read hold', () => {
    const { w, sem } = setup();
    const owner = spawnActor(w, 'owner', (cx) => down_write(cx, sem));
    runActor(w, owner);
    const thief = spawnActor(w, 'thief', (cx) => up_write(cx, sem));
    expect(() => runActor(w, thief)).toThrow(/up_write\(.*\) by a non-owner/);
    expect(sem.writer).toBe(owner);
    const stray = spawnActor(w, 'stray', (cx) => up_read(cx, sem));
    expect(() => runActor(w, stray)).toThrow(/up_read\(.*\) without a read hold/);
  });
});
