import { describe, expect, it } from 'vitest';
import { lockMap, Validator } from '../../src/lockdep/index.js';

describe('crosslocks and lock_downgrade', () => {
  it('a crosslock held at the return to user space is not reported; an ordinary lock with it is', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('falloc-dio', 502);
    const dio = lockMap('inode', { wait: { outer: 3, inner: 3 } });
    const m = lockMap('&m', { wait: { outer: 3, inner: 3 } });
    v.acquire(t, dio, { read: 2, crosslock: true });
    v.returnToUser(t);
    expect(v.reports()).toEqual([]);
    v.acquire(t, m);
    v.returnToUser(t);
    expect(v.reports().map((r) => r.kind)).toEqual(['held-at-return']);
    expect(v.reports()[0]!.text()).toContain(' #0: ');
  });

  it('a crosslock is an ordinary hold otherwise: an exclusive acquire over it is recursion', () => {
    const v = new Validator();
    const t = v.task('falloc-dio', 502);
    const dio = lockMap('inode', { wait: { outer: 3, inner: 3 } });
    v.acquire(t, dio, { read: 2, crosslock: true, site: '__iomap_dio_rw' });
    v.acquire(t, dio, { site: 'xfs_file_fallocate' });
    expect(v.reports()[0]!.kind).toBe('recursive');
  });

  it('another task can release the hold it took (release by the owner task)', () => {
    const v = new Validator();
    const owner = v.task('falloc-dio', 502);
    const dio = lockMap('inode');
    v.acquire(owner, dio, { read: 2, crosslock: true });
    v.release(owner, dio, { frames: ['inode_dio_end', 'iomap_dio_complete_work'] });
    expect(v.isHeld(owner, dio)).toBe(false);
    expect(v.reports()).toEqual([]);
  });

  it('lock_downgrade makes the hold shared: a later recursive read of it is no recursion', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const a = lockMap('A', { wait: 'rwsem' });
    const b = lockMap('B', { wait: 'rwsem' });
    v.acquire(t, b);
    v.acquire(t, a);
    v.downgrade(t, b);
    expect(t.held.map((h) => [h.map.name, h.read])).toEqual([
      ['B', 1],
      ['A', 0],
    ]);
    v.release(t, a);
    v.acquire(t, b, { read: 2 });
    expect(v.reports()).toEqual([]);
  });

  it('lock_downgrade of a lock not held is a bad unlock', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.downgrade(t, lockMap('A'));
    expect(v.reports()[0]!.kind).toBe('bad-unlock');
  });

  it('a map with a pinned version and address prints them', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const m = lockMap('sb_writers', { version: 12, address: 0xffff888100000140n });
    v.acquire(t, m, { site: 'vfs_fallocate' });
    v.acquire(t, m, { site: 'vfs_fallocate' });
    expect(v.reports()[0]!.text()).toContain(
      'ffff888100000140 (sb_writers#12){+.+.}-{0:0}, at: vfs_fallocate',
    );
  });
});
