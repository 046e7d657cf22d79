import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.js';
import { decodeToken, resolveTarget } from '../../src/api/target.js';
import { checkText, problemReport } from '../../src/report/text.js';

// The text report of the flagship deadlock, as `lockstep check falloc-dio --kernel v6.6-rc7`
// prints it, kept as a golden file that was read line by line against reference/kernel-model.md
// (sections 5, 8, 9, 10). Regenerate with UPDATE_GOLDEN=1 only after reading the diff the same way.

const GOLDEN = new URL('../golden/falloc-dio-v6.6-rc7.txt', import.meta.url);

type Pairs = readonly (readonly [string, string])[];

function reportText(config: Pairs = []): string {
  return checkText(check(resolveTarget('falloc-dio', 'v6.6-rc7', config)));
}

/** The lines between `start` (inclusive) and the first blank line after it. */
function section(lines: readonly string[], start: number): string[] {
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

const text = reportText();
const lines = text.split('\n');

describe('the falloc-dio report on v6.6-rc7', () => {
  it('matches the golden file byte for byte', () => {
    if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is deterministic: a second check, even after other checks, gives identical text', () => {
    check(resolveTarget('falloc-dio', 'v6.6'));
    check(resolveTarget('reap-then-falloc', 'v6.6-rc7'));
    expect(reportText()).toBe(text);
  });

  it('starts with the replay token, whose schedule is the interleaving shown', () => {
    expect(lines[0]).toMatch(/^replay: falloc-dio@v6\.6-rc7:\S+:[0-9a-z]{4}$/);
    const token = lines[0]!.slice('replay: '.length);
    const { target, schedule } = decodeToken(token);
    expect(target.scenario.name).toBe('falloc-dio');
    expect(target.variant).toBe('v6.6-rc7');
    const header = lines.find((l) => l.startsWith('interleaving ('))!;
    expect(header).toContain(`(${schedule.length} steps;`);
    const numbered = lines.filter((l) => /^ +\d+ {2}\S/.test(l));
    expect(numbered.map((l) => Number(l.trim().split(' ')[0]))).toEqual(schedule.map((_, i) => i + 1));
    // Each numbered step names the actor the schedule gives, by the legend's letters.
    const legend = new Map(
      [...header.matchAll(/([a-zA-Z]) = (\S+?)(?=[,)])/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    numbered.forEach((l, i) => {
      expect(l.trim().split(/ +/)[1]).toBe(legend.get(letters[schedule[i]!.actor]!));
    });
  });

  it('gives the verdict on the second line', () => {
    expect(lines[1]).toBe('verdict: deadlock: 1 task hung (falloc-dio/502 in __inode_dio_wait, state D)');
  });

  it('has the hung-task report of falloc-dio/502 in D state, in the kernel format', () => {
    const at = lines.indexOf('INFO: task falloc-dio:502 blocked for more than 120 seconds.');
    expect(at).toBeGreaterThan(1);
    expect(lines[at + 1]).toBe('      Not tainted 6.6.0-rc7 #1');
    expect(lines[at + 2]).toBe('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    // sched_show_task: "task:%-15.15s state:%c stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx";
    // TIF_NOTIFY_SIGNAL (bit 17 on x86) is set by task_work_add(TWA_SIGNAL) but woke nothing.
    expect(lines[at + 3]).toBe(
      'task:falloc-dio      state:D stack:0     pid:502   ppid:1      flags:0x00020000',
    );
    expect(lines[at + 3]).toContain('state:D');
    expect(lines[at + 4]).toBe('Call Trace:');
    expect(lines[at + 5]).toBe(' <TASK>');
    const trace = section(lines, at + 6);
    expect(trace[trace.length - 1]).toBe(' </TASK>');
    const frames = trace.slice(0, -1).map((l) => l.trim());
    const pos = (f: string) => frames.indexOf(f);
    for (const f of ['inode_dio_wait', 'xfs_file_fallocate', 'vfs_fallocate', '__x64_sys_fallocate']) {
      expect(frames).toContain(f);
    }
    expect(pos('inode_dio_wait')).toBeLessThan(pos('xfs_file_fallocate'));
    expect(pos('xfs_file_fallocate')).toBeLessThan(pos('vfs_fallocate'));
    expect(pos('vfs_fallocate')).toBeLessThan(pos('__x64_sys_fallocate'));
    expect(frames[0]).toBe('__schedule');
    expect(frames[frames.length - 1]).toBe('entry_SYSCALL_64_after_hwframe');
  });

  it('lists the three held locks in acquisition order, as in the thread', () => {
    const at = lines.indexOf('Showing all locks held in the system:');
    expect(at).toBeGreaterThan(0);
    const held = section(lines, at + 1);
    expect(held[0]).toBe('3 locks held by falloc-dio/502:');
    expect(
      held
        .slice(1)
        .map((l) => /^ #(\d): [0-9a-f]{16} \((.+?)\)\{(.{4})\}-\{(\d):(\d)\}, at: (\S+)$/.exec(l)?.slice(1)),
    ).toEqual([
      ['0', 'sb_writers#12', '.+.+', '0', '0', 'vfs_fallocate'],
      ['1', '&sb->s_type->i_mutex_key#17', '++++', '3', '3', 'xfs_ilock'],
      ['2', 'mapping.invalidate_lock#3', '+.+.', '3', '3', 'xfs_ilock'],
    ]);
    expect(lines[at + held.length + 1]).toBe('');
    expect(lines[at + held.length + 2]).toBe('=============================================');
  });

  it('explains why in plain words: its own task_work, which cannot run while it sleeps', () => {
    const at = lines.findIndex((l) => l.startsWith('why: '));
    expect(at).toBeGreaterThan(0);
    const why = section(lines, at);
    for (const l of why.slice(1)) expect(l).toMatch(/^ {5}\S/);
    const words = why.map((l) => l.replace(/^why:/, '').trim()).join(' ');
    expect(words).toContain('TASK_UNINTERRUPTIBLE');
    expect(words).toContain('task_work');
    expect(words).toContain('falloc-dio/502 itself');
    expect(words).toContain('inode_dio_end');
    expect(words).toContain('TIF_NOTIFY_SIGNAL');
    expect(words).toContain('waits for itself');
  });

  it('shows the deadlocking interleaving: inode_dio_begin, then fallocate, then the completion on its task_work', () => {
    const steps = lines.filter((l) => /^ +\d+ {2}\S/.test(l));
    const find = (re: RegExp) => steps.findIndex((l) => re.test(l));
    const begin = find(/inode_dio_begin: .*i_dio_count 0 -> 1/);
    const falloc = find(/syscall fallocate\(/);
    const read = find(/inode_dio_wait: atomic_read.*i_dio_count = 1/);
    const twa = find(/task_work_add\(falloc-dio\/502, tctx_task_work, TWA_SIGNAL\).*TIF_NOTIFY_SIGNAL set/);
    expect([begin, falloc, read, twa].every((i) => i >= 0)).toBe(true);
    expect(begin).toBeLessThan(falloc);
    expect(falloc).toBeLessThan(read);
    expect(read).toBeLessThan(twa);
    // The completion is queued from hardirq context, and no inode_dio_end ever runs.
    expect(steps[twa]).toContain('hardirq/nvme0n1');
    expect(steps.some((l) => l.includes('inode_dio_end'))).toBe(false);
    expect(steps[steps.length - 1]).toBe(steps[twa]);
  });

  it('ends with the exploration summary after the replayable report', () => {
    const at = text.indexOf('\nexplored: ');
    expect(at).toBeGreaterThan(0);
    const report = text.slice(0, at);
    const r = check(resolveTarget('falloc-dio', 'v6.6-rc7'));
    expect(report).toBe(problemReport(r.token!, r.execution!));
    expect(text.slice(at + 1)).toMatch(
      /^explored: \d+ executions?, .*stopped at the first counterexample\n$/,
    );
  });
});

describe('config switches of the report', () => {
  it('lockdep=0 drops the held-locks section and keeps the rest', () => {
    const t = reportText([['lockdep', '0']]);
    expect(t).not.toContain('Showing all locks held in the system:');
    expect(t).not.toContain('locks held by');
    expect(t).toContain('INFO: task falloc-dio:502 blocked for more than 120 seconds.');
    expect(t).toContain('\nwhy: ');
    expect(t.split('\n')[0]).toMatch(/^replay: falloc-dio@v6\.6-rc7,lockdep=0:/);
  });

  it('hung_task_timeout_secs=0 drops the INFO report but the verdict stays deadlock', () => {
    const t = reportText([['hung_task_timeout_secs', '0']]);
    expect(t).not.toContain('INFO: task');
    expect(t).not.toContain('Call Trace:');
    // Without the detector's report there is no lock dump either (it is part of that report).
    expect(t).not.toContain('Showing all locks held in the system:');
    expect(t.split('\n')[1]).toBe(
      'verdict: deadlock: 1 task hung (falloc-dio/502 in __inode_dio_wait, state D)',
    );
    expect(t).toContain('\nwhy: ');
  });

  it('hung_task_timeout_secs sets the seconds the INFO line prints', () => {
    expect(reportText([['hung_task_timeout_secs', '240']])).toContain(
      'INFO: task falloc-dio:502 blocked for more than 240 seconds.',
    );
  });
});
