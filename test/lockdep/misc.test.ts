import { describe, expect, it } from 'vitest';
import { lockKey, lockMap, Validator } from '../../src/lockdep/index.js';
import { badUnlock, irqInversion, mutex, rawSpin, selfDeadlock, threeLockCycle } from './fixtures.js';

describe('class names', () => {
  it('a second key with the same name prints #2; subclasses reuse the key version and add /n', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('t', 1);
    const m1 = lockMap('&sb->s_type->i_mutex_key', { key: lockKey('ext4_i_mutex_key'), wait: 'rwsem' });
    const m2 = lockMap('&sb->s_type->i_mutex_key', { key: lockKey('xfs_i_mutex_key'), wait: 'rwsem' });
    v.acquire(t, m1);
    v.acquire(t, m2);
    v.acquire(t, m2, { subclass: 1 });
    v.acquire(t, m1, { subclass: 3 });
    expect(v.edges().map((e) => `${e.from} -> ${e.to}`)).toEqual([
      '&sb->s_type->i_mutex_key -> &sb->s_type->i_mutex_key#2',
      '&sb->s_type->i_mutex_key#2 -> &sb->s_type->i_mutex_key#2/1',
      '&sb->s_type->i_mutex_key#2/1 -> &sb->s_type->i_mutex_key/3',
    ]);
  });

  it('subclass 8 is invalid and turns lockdep off', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('t', 1);
    v.acquire(t, mutex('&m'), { subclass: 8 });
    expect(v.reports()[0]?.text()).toMatch(/^BUG: looking up invalid subclass: 8\nturning off the locking/);
    expect(v.enabled).toBe(false);
  });
});

describe('unlock balance, return to user, freeing', () => {
  it('releasing a lock that is not held reports bad unlock balance', () => {
    const r = badUnlock().reports()[0]!;
    expect(r.kind).toBe('bad-unlock');
    expect(r.text()).toContain('modprobe/311 is trying to release lock (&drv->lock) at:\n[<ffffffff81');
  });

  it('releasing with nothing held reports; a release across an irq-context boundary is not found', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('t', 1);
    const [A, B] = [rawSpin('&a'), mutex('&b')];
    v.release(t, A);
    expect(v.reports()[0]?.text()).toContain('no locks held by t/1.');
    v.acquire(t, B);
    v.softirqEnter(t);
    v.acquire(t, A);
    v.release(t, B);
    expect(v.reports()).toHaveLength(2);
    expect(v.reports()[1]?.text()).toContain('(&b)');
  });

  it('returning to user space with a lock held reports, without a backtrace', () => {
    const v = new Validator();
    const t = v.task('a.out', 42);
    v.returnToUser(t);
    expect(v.reports()).toEqual([]);
    v.acquire(t, mutex('&m'), { site: 'leaky_ioctl+0x20/0x40' });
    v.returnToUser(t);
    const text = v.reports()[0]!.text();
    expect(text).toContain(
      'a.out/42 is leaving the kernel with locks still held!\n1 lock held by a.out/42:\n',
    );
    expect(text).not.toContain('stack backtrace');
  });

  it('freeing the memory of a held lock reports it; freeing another lock is silent', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const [A, B] = [mutex('&a'), mutex('&b')];
    v.acquire(t, A);
    v.freeLock(t, B);
    expect(v.reports()).toEqual([]);
    v.freeLock(t, A, { frames: ['kfree', 'a_destroy'] });
    const r = v.reports()[0]!;
    expect(r.kind).toBe('held-freed');
    expect(r.text()).toContain(
      't/1 is freeing memory ffff888100000040-ffff88810000007f, with a lock still held there!',
    );
  });
});

describe('first report turns lockdep off; keepGoing collects distinct reports', () => {
  function abbaTwice(v: Validator): void {
    const [A, B] = [mutex('&a'), mutex('&b')];
    for (const pid of [1, 2, 3]) {
      const t = v.task('t', pid);
      v.acquire(t, A);
      v.acquire(t, B);
      v.release(t, B);
      v.release(t, A);
      v.acquire(t, B);
      v.acquire(t, A);
      v.release(t, A);
      v.release(t, B);
    }
    const u = v.task('u', 9);
    v.release(u, A);
  }

  it('by default only the first problem is reported and validation stops', () => {
    const v = new Validator();
    abbaTwice(v);
    expect(v.reports().map((r) => r.kind)).toEqual(['circular']);
    expect(v.enabled).toBe(false);
  });

  it('with keepGoing the repeated cycle is reported once and the bad unlock too', () => {
    const v = new Validator({ keepGoing: true });
    abbaTwice(v);
    expect(v.reports().map((r) => r.kind)).toEqual(['circular', 'bad-unlock']);
    expect(v.enabled).toBe(true);
  });

  it('capacity limits print the BUG line and turn lockdep off even with keepGoing', () => {
    const v = new Validator({ keepGoing: true, limits: { entries: 2 } });
    const t = v.task('t', 1);
    const [A, B, C] = [mutex('&a'), mutex('&b'), mutex('&c')];
    v.acquire(t, A);
    v.acquire(t, B);
    v.acquire(t, C);
    expect(v.reports()[0]?.text()).toMatch(
      /^BUG: MAX_LOCKDEP_ENTRIES too low!\nturning off the locking correctness validator\.\nCPU: 0/,
    );
    expect(v.enabled).toBe(false);
  });
});

describe('determinism', () => {
  it.each([threeLockCycle, selfDeadlock, irqInversion, badUnlock])(
    '%o gives byte-identical text every run',
    (f) => {
      const a = f().reports()[0]!.text();
      f({ keepGoing: true });
      expect(f().reports()[0]!.text()).toBe(a);
    },
  );

  it('addresses follow first sight within one validator, not creation order across validators', () => {
    const late = mutex('&late');
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, late);
    v.acquire(t, late);
    expect(v.reports()[0]?.text()).toContain('ffff888100000040 (&late)');
  });
});
