import { beforeAll, describe, expect, it } from 'vitest';
import { check, DEFAULT_CHECK } from '../../src/api/check.js';
import { resolveTarget } from '../../src/api/target.js';
import { traceDocument } from '../../src/report/trace/build.js';
import { validateTrace } from '../../src/report/trace/validate.js';
import { ensureBuilt, lockstep } from '../helpers/cli.js';

// `--livelock-bound` on check and replay, run as a user would, and the cycle in JSON and traces.

beforeAll(ensureBuilt, 120_000);

const EXAMPLE = 'examples/polite-backoff.ts';

function tokenOf(stdout: string): string {
  const m = /^replay: (\S+)$/m.exec(stdout);
  if (!m) throw new Error(`no token in:\n${stdout}`);
  return m[1]!;
}

describe('lockstep check --livelock-bound', () => {
  it('refuses a bound that is not a number, with E_BAD_NUMBER and exit 2', () => {
    for (const bad of ['-1', 'lots', '1.5']) {
      const r = lockstep('check', EXAMPLE, '--livelock-bound', bad);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toContain(`lockstep: error[E_BAD_NUMBER]: bad number '${bad}' for --livelock-bound`);
      expect(r.stdout).toBe('');
    }
  });

  it('prints the cycle in --json', () => {
    const r = lockstep('check', EXAMPLE, '--livelock-bound', '60', '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      results: { verdict: string; cycle: { period: number; steps: { op: string; label: string }[] } }[];
    };
    const res = doc.results[0]!;
    expect(res.verdict).toBe('livelock');
    expect(res.cycle.period).toBe(6);
    expect(res.cycle.steps.map((s) => `${s.label} ${s.op}`)).toContain('t1/101 mutex_trylock(B)');
  });

  it('replays a livelock token under the bound it was found with, and says why otherwise', () => {
    const found = lockstep('check', EXAMPLE, '--livelock-bound', '60');
    expect(found.status).toBe(1);
    const token = tokenOf(found.stdout);
    const again = lockstep('replay', token, '--model', EXAMPLE, '--livelock-bound', '60');
    expect(again.status).toBe(1);
    expect(found.stdout.startsWith(again.stdout)).toBe(true);
    const other = lockstep('replay', token, '--model', EXAMPLE);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('error[E_REPLAY_DIVERGED]');
    expect(other.stderr).toContain('replays only under the --livelock-bound it was found with');
  });

  it('turns off with 0: the step bound stops the example instead', () => {
    const r = lockstep('check', EXAMPLE, '--livelock-bound', '0', '--max-steps', '300');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error[E_STEP_BOUND]');
  });
});

describe('the trace of a livelock', () => {
  it('carries the cycle and is a valid lockstep-trace', () => {
    // A bound far too small for the kernel path: the task's syscalls take more steps than that.
    const t = resolveTarget('pwrite-falloc', 'v6.6');
    const r = check(t, { ...DEFAULT_CHECK, livelockBound: 12 });
    expect(r.execution?.outcome.kind).toBe('livelock');
    const doc = validateTrace(JSON.parse(JSON.stringify(traceDocument(t, r.token!, r.execution!))));
    expect(doc.verdict.kind).toBe('livelock');
    expect(doc.verdict.cycle?.window).toBe(12);
    expect(doc.verdict.cycle?.steps.length).toBe(doc.verdict.cycle?.period);
    expect(doc.verdict.why[0]).toMatch(/^(these \d+ steps repeat forever|no progress in the last 12 steps)/);
  });
});
