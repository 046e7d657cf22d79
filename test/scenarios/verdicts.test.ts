import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CheckResult, check } from '../../src/api/check.js';
import { MATRIX_ROWS } from '../../src/api/matrix.js';
import { resolveTarget, type Target, targetHeader } from '../../src/api/target.js';
import { kernelOf } from '../../src/kernel/boot.js';
import { VARIANTS } from '../../src/kernel/config.js';
import { callTrace } from '../../src/report/hung-task.js';
import { heldLocks } from '../../src/report/lockdep-lines.js';
import { SCENARIOS } from '../../src/scenarios/index.js';

// Golden verdicts per scenario, variant and loop count. The golden file holds what the model
// finds; the tests below also hold the flagship verdicts to the kernel facts of
// reference/kernel-model.md (sections 1, 5, 7, 8 and S1/S3/S5), so a golden file regenerated
// from a broken model still fails. Regenerate with UPDATE_GOLDEN=1 after checking the diff.

const GOLDEN = new URL('../golden/verdicts.json', import.meta.url);

type Pairs = readonly (readonly [string, string])[];

interface Case {
  readonly scenario: string;
  readonly variant: string;
  readonly config?: Pairs;
  readonly params?: Pairs;
}

const CASES: readonly Case[] = [
  ...SCENARIOS.flatMap((s) =>
    VARIANTS.flatMap((v) => [
      { scenario: s.name, variant: v.name },
      ...(s.params.some((p) => p.name === 'loops')
        ? [{ scenario: s.name, variant: v.name, params: [['loops', '2']] as Pairs }]
        : []),
    ]),
  ),
  // Every row of `lockstep matrix`, with the tasks each counterexample leaves stuck.
  ...MATRIX_ROWS.flatMap((row) =>
    VARIANTS.map((v) => ({ scenario: row.scenario, variant: v.name, params: row.params })),
  ),
  { scenario: 'falloc-dio', variant: 'v6.6-rc7', config: [['io_uring_dio_caller_comp', '0']] },
  { scenario: 'falloc-dio', variant: 'v6.6', config: [['io_uring_dio_caller_comp', '1']] },
];

function targetOf(c: Case): Target {
  return resolveTarget(c.scenario, c.variant, c.config ?? [], c.params ?? []);
}

/** What a check found, as the golden file records it. */
function summary(r: CheckResult) {
  const ex = r.execution;
  const blocked =
    ex?.outcome.kind === 'deadlock' || ex?.outcome.kind === 'livelock'
      ? ex.outcome.blocked.map((id) => {
          const a = ex.world.actors[id]!;
          const w = a.pending!.wait!;
          return {
            task: a.label,
            state: w.state,
            in: a.frames[a.frames.length - 1]?.name ?? null,
            until: w.until,
            callTrace: callTrace(a),
            locks: heldLocks(a).map((h) => `${h.lock.name} ${h.read ? 'read' : 'write'} at ${h.site}`),
          };
        })
      : [];
  return {
    verdict: r.explore.found ? r.explore.found.outcome.kind : 'ok',
    complete: r.explore.complete,
    stop: r.explore.stop,
    cut: r.explore.cut,
    blocked,
  };
}

const results = new Map<string, CheckResult>();
function result(c: Case): CheckResult {
  const key = targetHeader(targetOf(c));
  let r = results.get(key);
  if (!r) {
    r = check(targetOf(c));
    results.set(key, r);
  }
  return r;
}

function verdict(r: CheckResult): string {
  return r.explore.found ? r.explore.found.outcome.kind : 'ok';
}

describe('golden verdicts', () => {
  it('match test/golden/verdicts.json for every scenario, variant and loop count', () => {
    const actual = Object.fromEntries(CASES.map((c) => [targetHeader(targetOf(c)), summary(result(c))]));
    if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as unknown;
    expect(actual).toEqual(golden);
  });
});

describe('each scenario keeps its own expect table', () => {
  for (const s of SCENARIOS) {
    it(`${s.name} states a verdict for every variant, and check() finds it`, () => {
      expect(Object.keys(s.expect).sort()).toEqual(VARIANTS.map((v) => v.name).sort());
      for (const [variant, expected] of Object.entries(s.expect)) {
        const r = result({ scenario: s.name, variant });
        expect(verdict(r), `${s.name} on ${variant}`).toBe(expected);
        // "ok" means nothing in any schedule, so the search must have been complete.
        if (expected === 'ok') expect(r.explore.complete, `${s.name} on ${variant}`).toBe(true);
      }
    });
  }
});

describe('falloc-dio on v6.6-rc7 (reference S1, variant a)', () => {
  for (const loops of ['1', '2']) {
    it(`deadlocks with loops=${loops}: falloc-dio/502 in D state in inode_dio_wait under fallocate`, () => {
      const r = result({ scenario: 'falloc-dio', variant: 'v6.6-rc7', params: [['loops', loops]] });
      expect(r.explore.stop).toBe('found');
      expect(r.token).toMatch(/^falloc-dio,loops=\d@v6\.6-rc7:/);
      const ex = r.execution!;
      expect(ex.outcome.kind).toBe('deadlock');
      const blocked = ex.outcome.kind === 'deadlock' ? ex.outcome.blocked : [];
      expect(blocked).toHaveLength(1);
      const task = ex.world.actors[blocked[0]!]!;
      expect(task.label).toBe('falloc-dio/502');
      expect(task.kind).toBe('task');
      // inode_dio_wait sleeps TASK_UNINTERRUPTIBLE (section 4): D state, nothing but the count wakes it.
      expect(task.pending?.wait?.state).toBe('D');
      expect(task.pending?.wait?.until).toBe('i_dio_count == 0');
      // Innermost first: inode_dio_wait <- xfs_file_fallocate <- vfs_fallocate <- __x64_sys_fallocate.
      const trace = callTrace(task);
      const pos = (f: string) => trace.indexOf(f);
      for (const f of ['inode_dio_wait', 'xfs_file_fallocate', 'vfs_fallocate', '__x64_sys_fallocate']) {
        expect(trace).toContain(f);
      }
      expect(pos('inode_dio_wait')).toBeLessThan(pos('xfs_file_fallocate'));
      expect(pos('xfs_file_fallocate')).toBeLessThan(pos('vfs_fallocate'));
      expect(pos('vfs_fallocate')).toBeLessThan(pos('__x64_sys_fallocate'));
      expect(trace[0]).toBe('__schedule');
      // Jens' lockdep list (section 5, 9): sb_writers (read, vfs_fallocate) -> i_rwsem (write) -> invalidate_lock (write).
      expect(task.held.map((h) => [h.lock.name, h.read])).toEqual([
        ['sb_writers#12', true],
        ['&sb->s_type->i_mutex_key#17', false],
        ['mapping.invalidate_lock#3', false],
      ]);
      expect(task.held[0]!.site).toBe('vfs_fallocate');
      // The completion ran (checklist 5, 6): i_dio_count still 1, the work queued on the task
      // itself, TIF_NOTIFY_SIGNAL set; no bio left in flight and nothing on the kworker.
      const k = kernelOf(ex.world)!;
      const inode = k.sb.files.get('/mnt/xfs/file')!;
      expect(inode.i_dio_count.value).toBe(1);
      const t = k.tasks.get(task.id)!;
      expect(t.task_works.works.map((w) => w.name)).toEqual(['tctx_task_work']);
      expect(t.ti.notifySignal).toBe(true);
      expect(k.bdev.inflight).toHaveLength(0);
      expect(k.sb.s_dio_done_wq.pending).toHaveLength(0);
    });
  }
});

describe('variants and config overrides', () => {
  for (const loops of ['1', '2']) {
    it(`falloc-dio is ok and complete on v6.6 with loops=${loops} (the completion runs in a kworker)`, () => {
      const r = result({ scenario: 'falloc-dio', variant: 'v6.6', params: [['loops', loops]] });
      expect(r.explore).toMatchObject({ stop: 'exhausted', complete: true, found: null, cut: 0 });
      expect(r.token).toBeNull();
    });

    for (const s of ['pwrite-falloc', 'reap-then-falloc']) {
      for (const v of VARIANTS) {
        it(`${s} is ok and complete on ${v.name} with loops=${loops} (reference S3, S5)`, () => {
          const r = result({ scenario: s, variant: v.name, params: [['loops', loops]] });
          expect(r.explore).toMatchObject({ stop: 'exhausted', complete: true, found: null, cut: 0 });
        });
      }
    }
  }

  it('io_uring_dio_caller_comp=0 makes falloc-dio clean on v6.6-rc7', () => {
    const r = result({
      scenario: 'falloc-dio',
      variant: 'v6.6-rc7',
      config: [['io_uring_dio_caller_comp', '0']],
    });
    expect(r.explore).toMatchObject({ complete: true, found: null });
    expect(r.target.config.release).toBe('6.6.0-rc7');
  });

  it('io_uring_dio_caller_comp=1 makes falloc-dio deadlock on v6.6', () => {
    const r = result({
      scenario: 'falloc-dio',
      variant: 'v6.6',
      config: [['io_uring_dio_caller_comp', '1']],
    });
    expect(verdict(r)).toBe('deadlock');
    expect(r.token).toMatch(/^falloc-dio@v6\.6,io_uring_dio_caller_comp=1:/);
    const ex = r.execution!;
    const ids = ex.outcome.kind === 'deadlock' ? ex.outcome.blocked : [];
    expect(ids.map((id) => ex.world.actors[id]!.label)).toEqual(['falloc-dio/502']);
  });
});
