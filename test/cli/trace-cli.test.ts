import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateTrace } from '../../src/report/trace/validate.js';

// `check --trace/--html` and `view`, run as a user would run the built program.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = `${ROOT}dist/cli/main.js`;

function lockstep(...args: string[]) {
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

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-trace-'));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(`${ROOT}src`)) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

describe('lockstep check --trace --html', () => {
  it('writes a valid trace and a self-contained page of the counterexample; stdout is unchanged', () => {
    const trace = join(dir, 'rc7.json');
    const html = join(dir, 'rc7.html');
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--trace', trace, '--html', html);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7').stdout);
    expect(r.stderr).toBe(`lockstep: wrote trace ${trace}\nlockstep: wrote report ${html}\n`);
    const doc = validateTrace(JSON.parse(readFileSync(trace, 'utf8')));
    expect(doc.token).toBe(/^replay: (.*)$/m.exec(r.stdout)![1]);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    // Self-contained: nothing is fetched, not even a font.
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/@import|url\(http/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('gives the same bytes every time, and view renders the saved trace to the same page', () => {
    const a = join(dir, 'a.html');
    const b = join(dir, 'b.html');
    const trace = join(dir, 'a.json');
    lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--html', a, '--trace', trace);
    lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--html', b);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const v = lockstep('view', trace, '-o', join(dir, 'viewed.html'));
    expect(v.status).toBe(0);
    expect(v.stdout).toBe('');
    expect(readFileSync(join(dir, 'viewed.html'), 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(lockstep('view', trace).status).toBe(0);
    expect(readFileSync(join(dir, 'a.html'), 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('writes the first problem when several variants are checked, and says so', () => {
    const html = join(dir, 'all.html');
    const r = lockstep('check', 'falloc-dio', '--param', 'ring=defer', '--html', html);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /shows? the problem on v6\.6-rc7, the first of \d+; use --kernel to pick another/,
    );
    expect(readFileSync(html, 'utf8')).toContain('falloc-dio on v6.6-rc7');
  });

  it('writes nothing when there is no counterexample, and says so', () => {
    const html = join(dir, 'clean.html');
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6', '--html', html);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`lockstep: no counterexample on any variant checked, so ${html} not written\n`);
    expect(existsSync(html)).toBe(false);
  });

  it('fails with E_WRITE before exploring when the output directory does not exist', () => {
    const r = lockstep('check', 'falloc-dio', '--kernel', 'v6.6-rc7', '--html', join(dir, 'no/such/x.html'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^lockstep: error\[E_WRITE\]: --html .*does not exist\n {2}hint: /);
  });
});

describe('lockstep view', () => {
  const bad = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return lockstep('view', f, '-o', join(dir, `${name}.html`));
  };

  it('rejects a file that is not JSON, foreign JSON or a broken trace with E_BAD_TRACE, exit 2', () => {
    for (const [name, text, msg] of [
      ['junk.json', 'not json', /trace is not JSON/],
      ['check.json', '{"format":"lockstep-check","version":1,"results":[]}', /not a lockstep trace/],
      ['v9.json', '{"format":"lockstep-trace","version":9}', /unsupported lockstep-trace version 9/],
      ['empty.json', '{"format":"lockstep-trace","version":1}', /does not match the lockstep-trace schema/],
    ] as const) {
      const r = bad(name, text);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/^lockstep: error\[E_BAD_TRACE\]: .*\n {2}hint: /);
      expect(existsSync(join(dir, `${name}.html`))).toBe(false);
    }
    const missing = lockstep('view', join(dir, 'missing.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/error\[E_BAD_TRACE\]: cannot read/);
  });
});
