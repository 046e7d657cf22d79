import { describe, expect, it } from 'vitest';
import type { ActorKind } from '../../src/core/actor.js';
import { kfunc } from '../../src/core/frames.js';
import type { Program } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import {
  className,
  isLockable,
  type LockClass,
  lock_acquire,
  lock_release,
  lockClass,
  usageString,
} from '../../src/sync/lock-class.js';
import { down_read, down_write, RwSemaphore, up_read, up_write } from '../../src/sync/rwsem.js';
import { runAll, spawnActor, type TestCx } from '../helpers/drive.js';

describe('lockClass and className', () => {
  it('defaults to version 1, subclass 0 and sleeping-lock wait types', () => {
    expect(lockClass('x')).toEqual({ name: 'x', version: 1, subclass: 0, wait: [3, 3] });
  });

  it.each([
    [lockClass('&ei->i_mmap_sem'), '&ei->i_mmap_sem'],
    [lockClass('sb_writers', 12), 'sb_writers#12'],
    [lockClass('mapping.invalidate_lock', 1, [3, 3], 1), 'mapping.invalidate_lock/1'],
    [lockClass('&sb->s_type->i_mutex_key', 17, [3, 3], 2), '&sb->s_type->i_mutex_key#17/2'],
  ])('%j prints as %s', (cls, name) => {
    expect(className(cls)).toBe(name);
  });

  it('names a lock after its class', () => {
    expect(new RwSemaphore(1, lockClass('sb_writers', 3, [3, 3], 1)).name).toBe('sb_writers#3/1');
  });
});

describe('isLockable', () => {
  it('tells locks from other simulated objects', () => {
    expect(isLockable(new RwSemaphore(1, lockClass('l')))).toBe(true);
    expect(isLockable({ oid: 2, name: 'i_dio_count' })).toBe(false);
  });
});

describe('usageString', () => {
  /** Runs `body` in a fresh actor of `kind` until everything stops; returns the world. */
  function use(kind: ActorKind, body: (cx: TestCx, sem: RwSemaphore) => Program<void>, w = new World()) {
    const cls = lockClass(`lock-${w.actors.length}`);
    const sem = new RwSemaphore(w.oid(), cls);
    spawnActor(w, kind, (cx) => body(cx, sem), kind);
    runAll(w);
    return { w, cls };
  }

  const write = function* (cx: TestCx, sem: RwSemaphore) {
    yield* down_write(cx, sem);
    yield* up_write(cx, sem);
  };
  const read = function* (cx: TestCx, sem: RwSemaphore) {
    yield* down_read(cx, sem);
    yield* up_read(cx, sem);
  };
  const both = function* (cx: TestCx, sem: RwSemaphore) {
    yield* write(cx, sem);
    yield* read(cx, sem);
  };

  it('is all dots for a class never acquired', () => {
    expect(usageString(new World(), lockClass('unused'))).toBe('....');
  });

  it.each([
    ['task', 'write', write, '+.+.'],
    ['task', 'read', read, '.+.+'],
    ['task', 'write and read', both, '++++'],
    ['kthread', 'write', write, '+.+.'],
    ['irq', 'write', write, '-...'],
    ['irq', 'read', read, '.-..'],
    ['irq', 'write and read', both, '--..'],
  ] as const)('a %s acquiring for %s gives {%s}', (kind, _what, body, expected) => {
    const { w, cls } = use(kind, body);
    expect(usageString(w, cls)).toBe(expected);
  });

  it('shows ? where a class is both used in hardirq and taken with hardirqs enabled', () => {
    const w = new World();
    const cls = lockClass('shared');
    const sem = new RwSemaphore(w.oid(), cls);
    spawnActor(w, 'task', (cx) => write(cx, sem));
    spawnActor(w, 'irq', (cx) => write(cx, sem), 'irq');
    runAll(w);
    // Hardirq write: used in and enabled; softirq write: enabled only.
    expect(usageString(w, cls)).toBe('?.+.');
  });

  it('is kept per world and per class', () => {
    const { w, cls } = use('task', write);
    expect(usageString(w, cls)).toBe('+.+.');
    expect(usageString(new World(), cls)).toBe('....');
    // A class with the same printed name is a different key.
    expect(usageString(w, lockClass(cls.name))).toBe('....');
  });

  it('is recorded when the lock is taken, not when it is only waited for', () => {
    const w = new World();
    const cls: LockClass = lockClass('contended');
    const sem = new RwSemaphore(w.oid(), cls);
    const holder = spawnActor(w, 'holder', function* (cx) {
      yield* down_write(cx, sem);
    });
    w.take({ actor: holder.id, alt: 0 });
    spawnActor(w, 'irq', (cx) => down_read(cx, sem), 'irq');
    runAll(w);
    expect(usageString(w, cls)).toBe('+.+.');
  });
});

describe('lock_acquire and lock_release', () => {
  it('push with the caller’s site and drop the most recent hold of that lock only', () => {
    const w = new World();
    const a = new RwSemaphore(w.oid(), lockClass('a'));
    const b = new RwSemaphore(w.oid(), lockClass('b'));
    const snapshots: string[][] = [];
    const outer = kfunc('kernel/test.c', function* lockdep_outer(cx: TestCx) {
      lock_acquire(cx, a, true);
      yield* inner(cx);
    });
    const inner = kfunc('kernel/test.c', function* lockdep_inner(cx: TestCx) {
      lock_acquire(cx, b, false);
      lock_acquire(cx, a, false);
      snapshots.push(cx.actor.held.map((h) => `${h.lock.name}@${h.site}${h.read ? ' (read)' : ''}`));
      lock_release(cx, a);
      snapshots.push(cx.actor.held.map((h) => `${h.lock.name}@${h.site}`));
      // Releasing a lock that is not held is a no-op.
      lock_release(cx, new RwSemaphore(w.oid(), lockClass('c')));
      snapshots.push(cx.actor.held.map((h) => h.lock.name));
      yield* [];
    });
    spawnActor(w, 't', outer);
    expect(snapshots).toEqual([
      ['a@lockdep_outer (read)', 'b@lockdep_inner', 'a@lockdep_inner'],
      ['a@lockdep_outer', 'b@lockdep_inner'],
      ['a', 'b'],
    ]);
  });
});
