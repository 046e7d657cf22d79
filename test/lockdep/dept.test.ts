import { describe, expect, it } from 'vitest';
import { Dept, type DeptClass, type DeptSite } from '../../src/lockdep/dept.js';

const A: DeptClass = { name: '&sb->s_type->i_mutex_key#17', subclass: 0 };
const D: DeptClass = { name: 'i_dio_count', subclass: 0 };
const site = (fn: string, ...stack: string[]): DeptSite => ({ fn, stack: [fn, ...stack] });

describe('Dept, standalone', () => {
  it('ABBA through a lock and an event: two contexts, *** DEADLOCK ***', () => {
    const dept = new Dept();
    // X holds i_rwsem and waits for i_dio_count; Y owes i_dio_count and waits for i_rwsem.
    expect(
      dept.wait({ comm: 'x', pid: 1 }, { cls: D, w: site('__inode_dio_wait', 'xfs_file_fallocate') }, [
        { cls: A, s: site('lock', 'xfs_ilock'), e: 'unlock' },
      ]),
    ).toBeNull();
    const r = dept.wait({ comm: 'y', pid: 2 }, { cls: A, w: site('down_write', 'xfs_ilock') }, [
      { cls: D, s: site('inode_dio_begin', '__iomap_dio_rw'), e: 'inode_dio_end' },
    ]);
    expect(r).not.toBeNull();
    const lines = r!.text().split('\n');
    expect(lines.slice(0, 10)).toEqual([
      '='.repeat(51),
      'DEPT: Circular dependency has been detected.',
      '6.6.0-rc7 #1 Not tainted',
      '-'.repeat(51),
      'summary',
      '-'.repeat(51),
      '*** DEADLOCK ***',
      '',
      'context A',
      '    [S] inode_dio_begin(i_dio_count:0)',
    ]);
    expect(lines.slice(10, 17)).toEqual([
      '    [W] down_write(&sb->s_type->i_mutex_key#17:0)',
      '    [E] inode_dio_end(i_dio_count:0)',
      'context B',
      '    [S] lock(&sb->s_type->i_mutex_key#17:0)',
      '    [W] __inode_dio_wait(i_dio_count:0)',
      '    [E] unlock(&sb->s_type->i_mutex_key#17:0)',
      '',
    ]);
    expect(lines).toContain("context B's detail");
    expect(lines).toContain('CPU: 0 PID: 2 Comm: y Not tainted 6.6.0-rc7 #1');
  });

  it('a self-loop is an AA deadlock; the same cycle is reported once', () => {
    const dept = new Dept();
    const w = { cls: D, w: site('__inode_dio_wait') };
    const open = [{ cls: D, s: site('inode_dio_begin'), e: 'inode_dio_end' }];
    expect(dept.wait({ comm: 't', pid: 1 }, w, open)!.text()).toContain('*** AA DEADLOCK ***');
    expect(dept.wait({ comm: 't', pid: 1 }, w, open)).toBeNull();
    expect(dept.reports()).toHaveLength(1);
  });

  it('no cycle, no report', () => {
    const dept = new Dept();
    expect(
      dept.wait({ comm: 't', pid: 1 }, { cls: D, w: site('w') }, [{ cls: A, s: site('lock'), e: 'unlock' }]),
    ).toBeNull();
    expect(dept.size).toBe(1);
  });
});
