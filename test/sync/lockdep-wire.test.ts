import { describe, expect, it } from 'vitest';
import { modelOf, resolveTarget } from '../../src/api/target.js';
import { World } from '../../src/core/world.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { explore } from '../../src/explore/explore.js';
import { Kernel } from '../../src/kernel/boot.js';
import { lockClass } from '../../src/sync/lock-class.js';
import { LockdepSession, lockdepReport } from '../../src/sync/lockdep-wire.js';

describe('the lockdep wiring', () => {
  it('gives one map per (object id, class), so executions share instances and classes', () => {
    const s = new LockdepSession();
    const cls = lockClass('&sb->s_type->i_mutex_key', 17);
    const a = s.map({ oid: 7, lockClass: cls });
    expect(s.map({ oid: 7, lockClass: cls })).toBe(a);
    const b = s.map({ oid: 9, lockClass: cls });
    expect(b).not.toBe(a);
    expect(b.key).toBe(a.key);
    expect(a.version).toBe(17);
    expect(a.address).toBe(0xffff888100000000n + 7n * 0x40n);
  });

  it('keeps the graph across executions: a second exploration of the model adds no classes', () => {
    const target = resolveTarget('reap-then-falloc', 'v6.6-rc7');
    const session = new LockdepSession();
    const model = {
      build(world: World) {
        const k = new Kernel(world, target.config, target.scenario.setup(target.params), session);
        for (const t of target.scenario.tasks(target.params)) k.spawnUserTask(t.comm, t.pid, t.program);
      },
      report: lockdepReport,
    };
    const limits = { maxExecutions: 1000, maxSteps: 1000 };
    const first = explore(model, new DfsStrategy(), limits);
    expect(first.found).toBeNull();
    const stats = session.validator.stats();
    expect(stats.classes).toBeGreaterThanOrEqual(3);
    expect(stats.edges).toBeGreaterThan(0);
    explore(model, new DfsStrategy(), limits);
    const again = session.validator.stats();
    expect(again.classes).toBe(stats.classes);
    expect(again.edges).toBe(stats.edges);
    expect(again.chainHits).toBeGreaterThan(stats.chainHits);
  });

  it('is off with CONFIG_LOCKDEP off: no session, no reports', () => {
    const model = modelOf(resolveTarget('falloc-dio', 'v6.6-rc7', [['lockdep', '0']]));
    const w = new World();
    model.build(w);
    expect(model.report?.(w) ?? null).toBeNull();
  });

  it('feeds the validator the model locks with their kernel names', () => {
    const target = resolveTarget('falloc-dio', 'v6.6-rc7');
    const session = new LockdepSession();
    const model = {
      build(world: World) {
        const k = new Kernel(world, target.config, target.scenario.setup(target.params), session);
        for (const t of target.scenario.tasks(target.params)) k.spawnUserTask(t.comm, t.pid, t.program);
      },
    };
    explore(model, new DfsStrategy(), { maxExecutions: 1, maxSteps: 1000 });
    expect(session.validator.edges().map((e) => `${e.from} -> ${e.to} ${e.kinds}`)).toEqual(
      expect.arrayContaining([
        'sb_writers#12 -> &sb->s_type->i_mutex_key#17 SN',
        '&sb->s_type->i_mutex_key#17 -> mapping.invalidate_lock#3 EN',
      ]),
    );
  });
});
