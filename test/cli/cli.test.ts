import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.js';
import { encodeToken, resolveTarget } from '../../src/api/target.js';
import { checksum } from '../../src/core/schedule.js';
import { CONFIG_KEYS, VARIANTS } from '../../src/kernel/config.js';
import { SCENARIOS } from '../../src/scenarios/index.js';

// Runs the built program as a user would: exit codes (0 clean, 1 problem, 2 bad input), stdout
// for results only, stderr for errors with a stable code and a hint.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = `${ROOT}dist/cli/main.js`;
const GOLDEN_REPORT = new URL('../golden/falloc-dio-v6.6-rc7.txt', import.meta.url);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function lockstep(...args: string[]): Run {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.ts')) newest = Math.max(newest, statSync(`${dir}/${f}`).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // `npm test` builds before vitest runs; build here too when dist is missing or older than src.
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(`${ROOT}src`)) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

describe('lockstep check', () => {
  it('exits 1 on v6.6-rc7 and prints the golden report', () => {
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(GOLDEN_REPORT, 'utf8'));
  });

  it('exits 0 on v6.6 and says the exploration was complete', () => {
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^falloc-dio on v6\.6: ok: no deadlock and no failed assertion in any schedule\n/,
    );
    expect(r.stdout).toContain('complete: every schedule explored');
    expect(r.stdout).not.toContain('replay:');
  });

  it('checks every variant the scenario names by default, and exits 1 if any has a problem', () => {
    const r = lockstep('check', 'falloc-dio');
    expect(r.status).toBe(1);
    const rc7 = r.stdout.indexOf('replay: falloc-dio@v6.6-rc7:');
    const v66 = r.stdout.indexOf('falloc-dio on v6.6: ok');
    expect(rc7).toBe(0);
    expect(v66).toBeGreaterThan(rc7);
  });

  it('exits 0 for a clean scenario on both variants', () => {
    for (const s of ['pwrite-falloc', 'reap-then-falloc']) {
      const r = lockstep('check', s);
      expect(r.status, s).toBe(0);
      for (const v of VARIANTS) expect(r.stdout).toContain(`${s} on ${v.name}: ok`);
    }
  });

  it('reports a search cut by --max-executions as incomplete, still exit 0', () => {
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6', '--max-executions', '1');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no problem found (exploration incomplete)');
    expect(r.stdout).toContain('INCOMPLETE: hit --max-executions');
  });

  it('gives the same output twice with the random strategy and a seed', () => {
    const args = ['check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--strategy', 'random', '--seed', '5'];
    const a = lockstep(...args);
    expect(a.status).toBe(1);
    expect(a.stdout).toContain('random search');
    expect(lockstep(...args).stdout).toBe(a.stdout);
  });

  it('prints one JSON object with --json', () => {
    const r = lockstep('check', 'falloc-dio', '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      format: string;
      version: number;
      results: {
        scenario: string;
        variant: string;
        verdict: string;
        token: string | null;
        expected: string | null;
        exploration: { complete: boolean; stop: string };
        blocked: { actor: string; state: string; hung: boolean; callTrace: string[]; locks: string[] }[];
      }[];
    };
    expect(doc.format).toBe('lockstep-check');
    expect(doc.version).toBe(1);
    expect(doc.results.map((x) => [x.variant, x.verdict, x.expected])).toEqual([
      ['v6.6-rc7', 'deadlock', 'deadlock'],
      ['v6.6', 'ok', 'ok'],
      ['dio-wait-interruptible', 'ok', 'ok'],
      ['fallocate-nowait', 'ok', 'ok'],
    ]);
    const [rc7, v66] = doc.results as [(typeof doc.results)[0], (typeof doc.results)[0]];
    expect(rc7.token).toMatch(/^falloc-dio@v6\.6-rc7:\S+:[0-9a-z]{4}$/);
    expect(rc7.exploration).toMatchObject({ complete: false, stop: 'found' });
    expect(rc7.blocked).toHaveLength(1);
    expect(rc7.blocked[0]).toMatchObject({ actor: 'falloc-dio/502', state: 'D', hung: true });
    expect(rc7.blocked[0]!.callTrace.indexOf('inode_dio_wait')).toBeLessThan(
      rc7.blocked[0]!.callTrace.indexOf('xfs_file_fallocate'),
    );
    expect(rc7.blocked[0]!.locks.map((l) => /\((.+?)\)/.exec(l)?.[1])).toEqual([
      'sb_writers#12',
      '&sb->s_type->i_mutex_key#17',
      'mapping.invalidate_lock#3',
    ]);
    expect(v66.token).toBeNull();
    expect(v66.exploration).toMatchObject({ complete: true, stop: 'exhausted' });
    expect(v66.blocked).toEqual([]);
    // The text and the JSON name the same counterexample.
    expect(lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7').stdout).toContain(
      `replay: ${rc7.token}\n`,
    );
  });
});

describe('lockstep replay', () => {
  const checkRc7 = () => lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7');

  it('prints exactly the report check printed before its explored: line, and exits 1', () => {
    const c = checkRc7();
    const token = /^replay: (\S+)$/m.exec(c.stdout)![1]!;
    const r = lockstep('replay', token);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const end = c.stdout.indexOf('\nexplored: ');
    expect(end).toBeGreaterThan(0);
    expect(r.stdout).toBe(c.stdout.slice(0, end));
  });

  it('replays a token with config overrides', () => {
    const c = lockstep('check', 'falloc-dio', '--kernel', 'v6.6', '--config', 'io_uring_dio_caller_comp=1');
    expect(c.status).toBe(1);
    const token = /^replay: (\S+)$/m.exec(c.stdout)![1]!;
    expect(token).toMatch(/^falloc-dio@v6\.6,io_uring_dio_caller_comp=1:/);
    const r = lockstep('replay', token);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(c.stdout.slice(0, c.stdout.indexOf('\nexplored: ')));
  });

  it('prints the replayed problem as JSON with --json', () => {
    const token = /^replay: (\S+)$/m.exec(checkRc7().stdout)![1]!;
    const r = lockstep('replay', token, '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { format: string; version: number; verdict: string; token: string };
    expect(doc).toMatchObject({ format: 'lockstep-replay', version: 1, verdict: 'deadlock', token });
  });
});

describe('lockstep list', () => {
  it('lists every scenario with its expectations, every variant and every config key', () => {
    const r = lockstep('list');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const s of SCENARIOS) {
      expect(r.stdout).toContain(`  ${s.name} `);
      expect(r.stdout).toContain(
        `expected: ${Object.entries(s.expect)
          .map(([v, e]) => `${v}: ${e}`)
          .join(', ')}`,
      );
    }
    for (const v of VARIANTS) expect(r.stdout).toContain(`  ${v.name} `);
    for (const k of CONFIG_KEYS) expect(r.stdout).toContain(`  ${k.key} `);
    expect(r.stdout).toMatch(
      /io_uring_dio_caller_comp .*\[v6\.6-rc7=1 v6\.6=0 dio-wait-interruptible=1 fallocate-nowait=1\]/,
    );
    expect(r.stdout).toMatch(
      /inode_dio_wait_interruptible .*\[v6\.6-rc7=0 v6\.6=0 dio-wait-interruptible=1 fallocate-nowait=0\]/,
    );
    expect(r.stdout).toContain('--param fs=NAME  filesystem of the test file (xfs|ext4, default xfs)');
    expect(r.stdout).toContain('--param loops=N');
  });

  it('prints the same catalogue as JSON with --json', () => {
    const r = lockstep('list', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      format: string;
      version: number;
      scenarios: { name: string; expect: Record<string, string> }[];
      variants: { name: string; config: { io_uring_dio_caller_comp: boolean } }[];
      configKeys: { key: string }[];
    };
    expect(doc.format).toBe('lockstep-list');
    expect(doc.version).toBe(1);
    expect(doc.scenarios.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    expect(doc.scenarios.find((s) => s.name === 'falloc-dio')?.expect).toEqual({
      'v6.6-rc7': 'deadlock',
      'v6.6': 'ok',
      'dio-wait-interruptible': 'ok',
      'fallocate-nowait': 'ok',
    });
    expect(doc.variants.map((v) => [v.name, v.config.io_uring_dio_caller_comp])).toEqual([
      ['v6.6-rc7', true],
      ['v6.6', false],
      ['dio-wait-interruptible', true],
      ['fallocate-nowait', true],
    ]);
    expect(doc.configKeys.map((k) => k.key).sort()).toEqual(
      [
        'dept',
        'fallocate_nowait',
        'hung_task_timeout_secs',
        'inode_dio_wait_interruptible',
        'io_uring_dio_caller_comp',
        'lockdep',
        'lockdep_dio_map',
        'release',
      ].sort(),
    );
  });
});

describe('bad input exits 2 with a code, a hint and nothing on stdout', () => {
  const rc7 = resolveTarget('falloc-dio', 'v6.6-rc7');
  const good = check(rc7).token!;
  const [header, sched, sum] = good.split(':') as [string, string, string];
  const cases: [string, string[]][] = [
    ['E_UNKNOWN_SCENARIO', ['check', 'no-such-scenario']],
    ['E_UNKNOWN_VARIANT', ['check', 'falloc-dio', '--kernel', 'v5.10']],
    ['E_UNKNOWN_VARIANT', ['check', 'falloc-dio', '--kernel', 'v6.6,v6.7']],
    ['E_UNKNOWN_CONFIG', ['check', 'falloc-dio', '--config', 'no_such_key=1']],
    ['E_BAD_CONFIG_VALUE', ['check', 'falloc-dio', '--config', 'lockdep=maybe']],
    ['E_BAD_PARAM_VALUE', ['check', 'falloc-dio', '--param', 'fs=btrfs']],
    ['E_BAD_PARAM_VALUE', ['check', 'falloc-dio', '--param', 'ring=sqpoll']],
    ['E_UNKNOWN_PARAM', ['check', 'unaligned-dio', '--param', 'loops=2']],
    ['E_UNKNOWN_VARIANT', ['matrix', '--kernel', 'v5.10']],
    ['E_UNKNOWN_SCENARIO', ['matrix', '--scenario', 'nope']],
    ['E_USAGE', ['matrix', '--format', 'html']],
    ['E_BAD_CONFIG_VALUE', ['check', 'falloc-dio', '--config', 'hung_task_timeout_secs=-1']],
    ['E_UNKNOWN_PARAM', ['check', 'falloc-dio', '--param', 'threads=2']],
    ['E_BAD_PARAM_VALUE', ['check', 'falloc-dio', '--param', 'loops=0']],
    ['E_BAD_PARAM_VALUE', ['check', 'falloc-dio', '--param', 'loops=two']],
    ['E_BAD_NUMBER', ['check', 'falloc-dio', '--seed', 'x']],
    ['E_BAD_NUMBER', ['check', 'falloc-dio', '--seed', '-3']],
    ['E_BAD_NUMBER', ['check', 'falloc-dio', '--max-executions', '0']],
    ['E_BAD_NUMBER', ['check', 'falloc-dio', '--max-executions', '1e3']],
    ['E_BAD_NUMBER', ['check', 'falloc-dio', '--max-steps', 'many']],
    ['E_BAD_TOKEN', ['replay', 'not-a-token']],
    ['E_BAD_TOKEN', ['replay', `${header}:${sched}`]],
    ['E_BAD_TOKEN', ['replay', `falloc-dio@v6.6-rc7:!!:${checksum('falloc-dio@v6.6-rc7:!!')}`]],
    ['E_TOKEN_CHECKSUM', ['replay', `${header}:${sched}:${sum === '0000' ? '0001' : '0000'}`]],
    ['E_TOKEN_CHECKSUM', ['replay', `${header}:${sched}a:${sum}`]],
    // The hardirq actor (a) is idle until a bio is in flight: it cannot take the first step.
    ['E_REPLAY_DIVERGED', ['replay', encodeToken(rc7, [{ actor: 0, alt: 0 }])]],
    // A schedule that stops while falloc-dio can still run.
    ['E_REPLAY_DIVERGED', ['replay', encodeToken(rc7, Array(5).fill({ actor: 2, alt: 0 }))]],
    ['E_REPLAY_DIVERGED', ['replay', encodeToken(rc7, [{ actor: 9, alt: 0 }])]],
    ['E_USAGE', ['frobnicate']],
    ['E_USAGE', ['check', 'falloc-dio', '--frobnicate']],
    ['E_USAGE', ['check']],
    ['E_USAGE', ['check', 'falloc-dio', '--strategy', 'bfs']],
    ['E_USAGE', ['check', 'falloc-dio', '--config', 'novalue']],
    ['E_USAGE', ['check', 'falloc-dio', '--param', '=2']],
  ];

  for (const [code, args] of cases) {
    it(`${code}: lockstep ${args.join(' ')}`, () => {
      const r = lockstep(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^lockstep: error\\[${code}\\]: \\S`));
      expect(r.stderr).toMatch(/\n {2}hint: \S/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }

  it('prints the stack trace only with --debug', () => {
    const r = lockstep('--debug', 'replay', 'not-a-token');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^lockstep: error\[E_BAD_TOKEN\]/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });

  it('accepts the token that the divergence cases were built from', () => {
    // Guards the cases above: the same target and the real schedule replay fine.
    const r = lockstep('replay', good);
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith(`replay: ${good}\n`)).toBe(true);
  });
});

describe('lockstep matrix', () => {
  it('prints the S4 rows as JSON, every cell as expected, exit 0', () => {
    const r = lockstep('matrix', '--scenario', 'unaligned-dio', '--format', 'json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      format: string;
      version: number;
      rows: {
        scenario: string;
        params: Record<string, string>;
        cells: {
          variant: string;
          verdict: string;
          matches: boolean;
          complete: boolean;
          token: string | null;
        }[];
      }[];
    };
    expect(doc).toMatchObject({ format: 'lockstep-matrix', version: 1 });
    expect(new Set(doc.rows.map((x) => x.scenario))).toEqual(new Set(['unaligned-dio']));
    for (const row of doc.rows) {
      expect(row.cells.map((c) => c.variant)).toEqual(VARIANTS.map((v) => v.name));
      for (const c of row.cells) {
        expect(c.matches).toBe(true);
        // A clean verdict comes from a complete search; a problem always has a token.
        if (c.verdict === 'ok') expect(c.complete).toBe(true);
        else expect(c.token).toMatch(/^unaligned-dio,/);
      }
    }
    const defer = doc.rows.find((x) => x.params['ring'] === 'defer' && !x.params['fs']);
    expect(defer?.cells.map((c) => c.verdict)).toEqual(['deadlock', 'ok', 'deadlock', 'deadlock']);
  });

  it('prints a markdown table with --format markdown, limited by --kernel', () => {
    const r = lockstep(
      'matrix',
      '--scenario',
      'reap-then-falloc',
      '--kernel',
      'v6.6-rc7',
      '--format',
      'markdown',
    );
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['| scenario | params | v6.6-rc7 |', '|---|---|---|']);
    expect(r.stdout).toContain('| reap-then-falloc | fs=ext4 | ok |');
    expect(r.stdout).toContain('every verdict as expected');
  });
});

describe('lockdep and DEPT verdicts in JSON', () => {
  it('carries the kernel-text report of a lockdep or DEPT verdict', () => {
    for (const [key, kind, headline] of [
      ['lockdep_dio_map', 'recursive', 'WARNING: possible recursive locking detected'],
      ['dept', 'dept', 'DEPT: Circular dependency has been detected.'],
    ] as const) {
      const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--config', `${key}=1`, '--json');
      expect(r.status).toBe(1);
      const doc = JSON.parse(r.stdout) as {
        results: { verdict: string; report: { kind: string; headline: string; text: string } | null }[];
      };
      const res = doc.results[0]!;
      expect(res.verdict).toBe(key === 'dept' ? 'dept' : 'lockdep');
      expect(res.report?.text).toContain(headline);
      if (key !== 'dept') expect(res.report).toMatchObject({ kind, headline });
    }
  });
});
