import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lockstep, ROOT } from '../helpers/cli.js';

// Issue 4, items 6 and 7 through the CLI: --shard i/N and merge, --workers N, and checkpoints.

const dir = mkdtempSync(join(tmpdir(), 'lockstep-shards-'));
const at = (f: string): string => join(dir, f);
const LOOPS3 = ['check', 'falloc-dio', '--kernel', 'v6.6', '--param', 'loops=3'];

beforeAll(() => ensureBuilt(), 120_000);

function json(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('--shard and merge', () => {
  it('three shards of a clean search merge into one complete result with the verdict of one run', () => {
    for (let i = 0; i < 3; i++) {
      const r = lockstep(...LOOPS3, '--shard', `${i}/3`, '--json', '--output', at(`clean${i}.json`));
      expect(r.status).toBe(0);
      expect(json(at(`clean${i}.json`)).results[0].exploration.shard).toEqual({ index: i, count: 3 });
    }
    const one = lockstep(...LOOPS3, '--json');
    const whole = JSON.parse(one.stdout).results[0];
    const m = lockstep('merge', at('clean2.json'), at('clean0.json'), at('clean1.json'), '--json');
    expect(m.status).toBe(0);
    const merged = JSON.parse(m.stdout).results[0];
    expect(merged.verdict).toBe(whole.verdict);
    expect(merged.exploration.complete).toBe(true);
    const parts = [0, 1, 2].map((i) => json(at(`clean${i}.json`)).results[0].exploration.executions);
    expect(merged.exploration.executions).toBe(parts[0] + parts[1] + parts[2]);
    // Shards may repeat a trace, never miss one: at least the one run's executions.
    expect(merged.exploration.executions).toBeGreaterThanOrEqual(whole.exploration.traces);
    expect(merged.exploration.shards.map((s: { index: number }) => s.index)).toEqual([0, 1, 2]);
    const text = lockstep('merge', at('clean0.json'), at('clean1.json'), at('clean2.json'));
    expect(text.stdout).toMatch(/^falloc-dio,loops=3 on v6\.6: ok: no deadlock/);
    expect(text.stdout).toMatch(/shards: 3 \(\d+ \+ \d+ \+ \d+ executions\)/);
  }, 120_000);

  it('shards of the seed deadlock merge into the deadlock report and a token that replays', () => {
    for (let i = 0; i < 2; i++) {
      const r = lockstep(
        'check',
        'falloc-dio',
        '--kernel',
        'v6.6-rc7',
        '--shard',
        `${i}/2`,
        '--json',
        '--output',
        at(`dl${i}.json`),
      );
      expect([0, 1]).toContain(r.status);
    }
    const m = lockstep('merge', at('dl0.json'), at('dl1.json'));
    expect(m.status).toBe(1);
    expect(m.stdout).toMatch(/INFO: task .* blocked for more than/);
    const token = /replay: (\S+)/.exec(m.stdout)![1]!;
    const replay = lockstep('replay', token);
    expect(replay.status).toBe(1);
    expect(lockstep('merge', at('dl0.json'), at('dl1.json')).stdout).toBe(m.stdout);
  }, 120_000);

  it('bad shards and bad merges exit 2 with a code and a hint', () => {
    for (const bad of ['3/3', '1', 'a/b', '0/0']) {
      const r = lockstep(...LOOPS3, '--shard', bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/E_BAD_SHARD/);
    }
    const naive = lockstep(...LOOPS3, '--strategy', 'random', '--shard', '0/2');
    expect(naive.stderr).toMatch(/E_BAD_SHARD.*DPOR/);
    const cases: [string[], RegExp][] = [
      [[at('clean0.json'), at('clean1.json')], /E_MERGE_MISSING.*2\/3 missing/],
      [[at('clean0.json'), at('clean0.json'), at('clean1.json'), at('clean2.json')], /E_MERGE_DUPLICATE/],
      [[at('clean0.json'), at('dl0.json')], /E_MERGE_MISSING/],
      [[at('nope.json')], /E_BAD_RESULT/],
    ];
    writeFileSync(at('plain.json'), lockstep(...LOOPS3, '--json', '--max-executions', '5').stdout);
    cases.push([[at('plain.json')], /E_BAD_RESULT.*not sharded/]);
    writeFileSync(at('junk.json'), '{"format":"x"}');
    cases.push([[at('junk.json')], /E_BAD_RESULT/]);
    for (const [files, want] of cases) {
      const r = lockstep('merge', ...files);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stdout).toBe('');
    }
  }, 120_000);
});

describe('--workers', () => {
  it('parallel DPOR on worker threads: the executions and verdict of one run, the same output every time', () => {
    const one = JSON.parse(lockstep(...LOOPS3, '--json').stdout).results[0];
    const a = lockstep(...LOOPS3, '--workers', '2', '--json');
    expect(a.status).toBe(0);
    const par = JSON.parse(a.stdout).results[0];
    expect(par.verdict).toBe(one.verdict);
    expect(par.exploration.complete).toBe(true);
    expect(par.exploration.strategy).toBe('dpor, 2 workers');
    // Each trace once here too: the reversals never landed in a sibling another worker ran.
    expect(par.exploration.executions).toBe(one.exploration.executions);
    expect(par.exploration.traces).toBe(one.exploration.traces);
    expect(lockstep(...LOOPS3, '--workers', '2', '--json').stdout).toBe(a.stdout);
  }, 120_000);

  it('finds the seed deadlock: the report and token of one run, exit 1', () => {
    const one = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7');
    const a = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--workers', '2');
    expect(a.status).toBe(1);
    const token = (r: { stdout: string }) => /replay: (\S+)/.exec(r.stdout)![1];
    expect(token(a)).toBe(token(one));
  }, 120_000);

  it('a model file runs on workers too', () => {
    const r = lockstep('check', 'examples/abba.ts', '--workers', '2');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/replay: abba#/);
  }, 120_000);

  it('a model that throws in a later unit fails as one thread does: its error, exit 2, no stack', () => {
    const r = lockstep('check', 'test/fixtures/models/throws-later.ts', '--workers', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /error\[E_MODEL_ERROR\]: model code threw in t2\/\d+ .*model bug after 3000 builds/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at |Node\.js v/);
  }, 120_000);

  it('refuses options it cannot honour', () => {
    for (const extra of [
      ['--strategy', 'pct'],
      ['--shard', '0/2'],
      ['--preemption-bound', '1'],
      ['--workers', '0'],
    ]) {
      const r = lockstep(...LOOPS3, '--workers', '2', ...extra);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/E_USAGE|E_BAD_NUMBER|E_BAD_SHARD/);
    }
  }, 60_000);
});

describe('checkpoints', () => {
  it('a run stopped by --max-time resumes to the counts of one run', () => {
    const cp = at('cp.json');
    const whole = JSON.parse(lockstep(...LOOPS3, '--json').stdout).results[0].exploration;
    // A search too big for one second, then resumed until done.
    const big = ['check', 'falloc-dio', '--kernel', 'v6.6', '--param', 'loops=4'];
    const first = lockstep(...big, '--max-time', '1', '--checkpoint', cp, '--json');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).results[0].exploration.stop).toBe('max-time');
    expect(first.stderr).toMatch(/checkpoint written to .*cp\.json/);
    expect(json(cp).format).toBe('lockstep-checkpoint');
    const bad = lockstep(...LOOPS3, '--resume', cp);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/E_CHECKPOINT_MISMATCH/);
    const other = lockstep(...big, '--preemption-bound', '1', '--resume', cp);
    expect(other.stderr).toMatch(/E_CHECKPOINT_MISMATCH.*other search options/);
    writeFileSync(at('junk-cp.json'), '[]');
    expect(lockstep(...big, '--resume', at('junk-cp.json')).stderr).toMatch(/E_BAD_CHECKPOINT/);
    expect(whole.complete).toBe(true);
  }, 180_000);

  it('resuming a stopped run ends exactly as one run', () => {
    const cp = at('cp3.json');
    const whole = JSON.parse(lockstep(...LOOPS3, '--json').stdout).results[0].exploration;
    // --max-executions is a total: each resumed run goes on to the next bound.
    let r = lockstep(...LOOPS3, '--json', '--checkpoint', cp, '--max-executions', '400');
    expect(JSON.parse(r.stdout).results[0].exploration.executions).toBe(400);
    r = lockstep(...LOOPS3, '--json', '--checkpoint', cp, '--resume', cp, '--max-executions', '900');
    expect(JSON.parse(r.stdout).results[0].exploration.executions).toBe(900);
    r = lockstep(...LOOPS3, '--json', '--resume', cp);
    expect(JSON.parse(r.stdout).results[0].exploration).toEqual(whole);
    // Without --checkpoint, a run cut by --max-executions writes none.
    const none = lockstep(...LOOPS3, '--max-executions', '5');
    expect(none.stderr).not.toMatch(/checkpoint/);
  }, 180_000);

  it('a run on workers stopped early resumes on workers to the counts of one run', () => {
    const cp = at('cp-workers.json');
    const whole = JSON.parse(lockstep(...LOOPS3, '--json').stdout).results[0].exploration;
    const first = lockstep(
      ...LOOPS3,
      '--workers',
      '2',
      '--json',
      '--checkpoint',
      cp,
      '--max-executions',
      '400',
    );
    expect(first.status).toBe(0);
    const stopped = JSON.parse(first.stdout).results[0].exploration;
    expect(stopped.stop).toBe('max-executions');
    // The units handed out last get what is left of the bound: it stops at it, as one thread does.
    expect(stopped.executions).toBe(400);
    expect(json(cp).entries[0].resume.search.format).toBe('lockstep-parallel-dpor');
    const next = ['--workers', '2', '--json', '--checkpoint', cp, '--resume', cp, '--max-executions', '900'];
    expect(JSON.parse(lockstep(...LOOPS3, ...next).stdout).results[0].exploration.executions).toBe(900);
    const rest = lockstep(...LOOPS3, '--workers', '2', '--json', '--resume', cp);
    expect(rest.status).toBe(0);
    const e = JSON.parse(rest.stdout).results[0].exploration;
    expect([e.executions, e.steps, e.maxDepth, e.complete]).toEqual([
      whole.executions,
      whole.steps,
      whole.maxDepth,
      true,
    ]);
    // A checkpoint resumes with the kind of search that wrote it.
    const one = lockstep(...LOOPS3, '--resume', cp);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/E_CHECKPOINT_MISMATCH.*worker threads\n\s*hint: resume it with --workers/);
    const cp1 = at('cp-one.json');
    lockstep(...LOOPS3, '--json', '--checkpoint', cp1, '--max-executions', '400');
    const par = lockstep(...LOOPS3, '--workers', '2', '--resume', cp1);
    expect(par.status).toBe(2);
    expect(par.stderr).toMatch(/E_CHECKPOINT_MISMATCH.*one thread\n\s*hint: resume it without --workers/);
  }, 180_000);

  it.each([[[]], [['--workers', '2']]])(
    'Ctrl-C prints the partial result and writes a checkpoint that resumes (%j)',
    async (extra: string[]) => {
      const cp = at(`sigint${extra.length}.json`);
      const args = [
        'check',
        'falloc-dio',
        '--kernel',
        'v6.6',
        '--param',
        'loops=4',
        '--progress',
        '--checkpoint',
        cp,
        '--json',
        ...extra,
      ];
      const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      // Ctrl-C once the search is under way (the first progress line).
      child.stderr.on('data', (d: Buffer) => {
        if (!stderr.includes('executions')) setTimeout(() => child.kill('SIGINT'), 50);
        stderr += d.toString();
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(status).toBe(0);
      const e = JSON.parse(stdout).results[0].exploration;
      expect(e.stop).toBe('interrupted');
      expect(e.complete).toBe(false);
      expect(stderr).toMatch(/checkpoint written to .*sigint\d\.json/);
      const rest = lockstep(
        ...args.filter((a) => a !== '--progress'),
        '--resume',
        cp,
        '--max-executions',
        String(e.executions + 100),
      );
      expect(JSON.parse(rest.stdout).results[0].exploration.executions).toBe(e.executions + 100);
    },
    120_000,
  );
});
