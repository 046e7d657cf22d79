import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, record } from '../../src/api/check.js';
import { decodeToken, modelOf, resolveTarget } from '../../src/api/target.js';
import type { Choice } from '../../src/core/schedule.js';
import { execute } from '../../src/explore/execute.js';
import type { Strategy } from '../../src/explore/strategy.js';
import { checkText, problemReport } from '../../src/report/text.js';

// The dio annotation of Jens Axboe's lockdep demo (reference/kernel-model.md 9, checklist 19) behind
// `--config lockdep_dio_map=1`. The golden file was read line by line against that section and
// reference/lockdep.md 1.7(a). Regenerate with UPDATE_GOLDEN=1 only after reading the diff the same way.

const GOLDEN = new URL('../golden/falloc-dio-lockdep.txt', import.meta.url);
const DIO_MAP = [['lockdep_dio_map', '1']] as const;

const result = check(resolveTarget('falloc-dio', 'v6.6-rc7', DIO_MAP));
const text = checkText(result);
const outcome = result.explore.found!.outcome;
const report = outcome.kind === 'lockdep' ? outcome.report.text() : '';
const lines = report.split('\n');

/** The lines after `header` up to the next blank line. */
function linesAfter(header: string): string[] {
  const i = lines.indexOf(header);
  expect(i).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', i);
  return lines.slice(i + 1, end);
}

describe('lockdep_dio_map on falloc-dio, v6.6-rc7', () => {
  it('matches the golden file byte for byte', () => {
    if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('gives a lockdep verdict of kind recursive, from the first execution', () => {
    expect(outcome.kind).toBe('lockdep');
    expect(result.explore.executions).toBe(1);
    expect(text.split('\n')[1]).toBe(
      'verdict: lockdep: possible recursive locking detected (falloc-dio/502)',
    );
    expect(outcome.kind === 'lockdep' && outcome.report.kind).toBe('recursive');
  });

  it('is the recursive report of the thread: inode at xfs_file_fallocate, held from __iomap_dio_rw', () => {
    expect(lines[1]).toBe('WARNING: possible recursive locking detected');
    expect(linesAfter('falloc-dio/502 is trying to acquire lock:')).toEqual([
      expect.stringMatching(/^ffff8881[0-9a-f]{8} \(inode\)\{\+\+\+\+\}-\{3:3\}, at: xfs_file_fallocate$/),
    ]);
    expect(linesAfter('but task is already holding lock:')).toEqual([
      expect.stringMatching(/ \(inode\)\{\+\+\+\+\}-\{3:3\}, at: __iomap_dio_rw$/),
    ]);
  });

  it('lists the four held locks in the thread order', () => {
    const held = linesAfter('4 locks held by falloc-dio/502:').map((l) =>
      l.replace(/ffff8881[0-9a-f]{8} /, ''),
    );
    expect(held).toEqual([
      ' #0: (inode){++++}-{3:3}, at: __iomap_dio_rw',
      ' #1: (sb_writers#12){.+.+}-{0:0}, at: vfs_fallocate',
      ' #2: (&sb->s_type->i_mutex_key#17){++++}-{3:3}, at: xfs_ilock',
      ' #3: (mapping.invalidate_lock#3){+.+.}-{3:3}, at: xfs_ilock',
    ]);
  });

  it('has a backtrace through inode_dio_wait, xfs_file_fallocate, vfs_fallocate', () => {
    const bt = lines.slice(lines.indexOf(' <TASK>') + 1, lines.indexOf(' </TASK>')).map((l) => l.trim());
    expect(bt.slice(0, 4)).toEqual([
      'inode_dio_wait',
      'xfs_file_fallocate',
      'vfs_fallocate',
      'ksys_fallocate',
    ]);
  });

  it('reports at the step inode_dio_wait reads the counter, before the task ever sleeps', () => {
    const trace = result.execution!.world.trace!;
    expect(trace.at(-1)!.label).toBe('inode_dio_wait: atomic_read(&inode->i_dio_count)');
    expect(trace.some((s) => s.label.startsWith('__inode_dio_wait'))).toBe(false);
  });

  it('replays: the token gives the same report from a fresh validator', () => {
    const { target, schedule } = decodeToken(result.token!);
    const ex = record(target, schedule);
    expect(ex.outcome.kind).toBe('lockdep');
    expect(ex.outcome.kind === 'lockdep' && ex.outcome.report.text()).toBe(report);
    expect(problemReport(result.token!, ex)).toBe(problemReport(result.token!, result.execution!));
  });

  it('also reports when the bio completed before fallocate waited (task_work still pending)', () => {
    const { target, schedule } = decodeToken(result.token!);
    // Run the hardirq's four completion steps right after vfs_fallocate took sb_writers (step 17).
    const irq: Choice[] = [0, 1, 2, 3].map(() => ({ actor: 0, alt: 0 }));
    const early = [...schedule.slice(0, 17), ...irq, ...schedule.slice(17)];
    const ex = record(target, early);
    expect(ex.outcome.kind).toBe('lockdep');
    expect(ex.outcome.kind === 'lockdep' && ex.outcome.report.text()).toBe(report);
    const notes = ex.world.trace!.map((s) => s.note);
    expect(notes).toContain('TIF_NOTIFY_SIGNAL set');
  });

  it('stays silent on an execution where the completion ran before fallocate (nothing held then)', () => {
    const { target, schedule } = decodeToken(result.token!);
    // The completion interrupt after the write returned to user space: the IPI's return path runs
    // the task_work (inode_dio_end) before fallocate, so the map is no longer held. Lockdep checks
    // recursion on the held-lock stack, so no graph built by other executions can predict it here.
    const prefix: Choice[] = [...schedule.slice(0, 15), ...[0, 1, 2, 3].map(() => ({ actor: 0, alt: 0 }))];
    const strategy: Strategy = {
      name: 'prefix',
      exhausted: false,
      beginExecution: () => true,
      pick: ({ choices, depth, last }) =>
        prefix[depth] ?? choices.find((c) => c.actor === last) ?? choices[0]!,
      endExecution: () => {},
    };
    const ex = execute(modelOf(target), strategy, 1000, true);
    expect(ex.outcome.kind).toBe('ok');
    const labels = ex.world.trace!.map((s) => s.label);
    expect(labels.indexOf('task_work_add(falloc-dio/502, tctx_task_work, TWA_SIGNAL)')).toBeLessThan(
      labels.findIndex((l) => l.startsWith('syscall fallocate')),
    );
  });
});

describe('lockdep_dio_map keeps other verdicts', () => {
  it('is off by default: falloc-dio deadlocks as before', () => {
    expect(check(resolveTarget('falloc-dio', 'v6.6-rc7')).explore.found?.outcome.kind).toBe('deadlock');
  });

  it('needs CONFIG_LOCKDEP: with lockdep=0 the map does nothing', () => {
    const r = check(resolveTarget('falloc-dio', 'v6.6-rc7', [...DIO_MAP, ['lockdep', '0']]));
    expect(r.explore.found?.outcome.kind).toBe('deadlock');
  });

  it.each([
    ['reap-then-falloc', 'v6.6-rc7'],
    ['pwrite-falloc', 'v6.6-rc7'],
    ['unaligned-dio', 'v6.6-rc7'],
  ])('%s on %s stays ok over every schedule', (scenario, variant) => {
    const r = check(resolveTarget(scenario, variant, DIO_MAP));
    expect(r.explore.found).toBeNull();
    expect(r.explore.complete).toBe(true);
  });
});
