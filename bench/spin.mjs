// The classic DPOR benchmarks and the seed scenario, lockstep and SPIN side by side. lockstep runs
// in-process with optimal DPOR, the default strategy (`strategyFor`); SPIN runs its Promela twin from
// bench/promela/ and is timed from `spin -a` through the gcc compile to the end of `./pan`. Both stop
// at the first problem (a deadlock) or explore everything. Run with `npm run bench` (after the
// explorer table) or `npm run build && node bench/spin.mjs`. Environment: LOCKSTEP_MAX_EXECUTIONS
// bounds each lockstep row (default 2000000; the row then says `incomplete`), SPIN_TIMEOUT_S bounds each
// SPIN run (default 120); pan may use 2 GB (-DMEMLIM=2048): a row that reaches it says `memory`.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  check,
  DporStrategy,
  explore,
  filesystem,
  indexer,
  lastzero,
  philosophers,
  readersWriters,
  resolveTarget,
} from '../dist/index.js';

const PROMELA = join(dirname(fileURLToPath(import.meta.url)), 'promela');
const MAX_EXECUTIONS = Number(process.env.LOCKSTEP_MAX_EXECUTIONS ?? 2_000_000);
const SPIN_TIMEOUT_MS = Number(process.env.SPIN_TIMEOUT_S ?? 120) * 1000;

/** The strategy lockstep's rows use: optimal DPOR, the default. */
export function strategyFor() {
  return new DporStrategy();
}

/** Each benchmark at its sizes: the lockstep model and the `spin -D` defines of its Promela twin. */
export const CASES = [
  ...[5, 8, 10].map((n) => ({ bench: lastzero(n), pml: 'lastzero.pml', defines: [`-DN=${n}`] })),
  ...[11, 12, 13, 14, 15, 16].map((n) => ({ bench: indexer(n), pml: 'indexer.pml', defines: [`-DN=${n}`] })),
  ...[13, 14, 16, 18].map((n) => ({ bench: filesystem(n), pml: 'filesystem.pml', defines: [`-DN=${n}`] })),
  { bench: readersWriters(4, 2), pml: 'readers-writers.pml', defines: ['-DR=4', '-DW=2'] },
  { bench: philosophers(5), pml: 'philosophers.pml', defines: ['-DN=5'] },
  { bench: philosophers(5, { ordered: true }), pml: 'philosophers.pml', defines: ['-DN=5', '-DORDERED'] },
];

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Explores one benchmark with lockstep; stops at the first problem, like SPIN. */
export function runLockstep(bench) {
  const t0 = process.hrtime.bigint();
  const r = explore(bench.model, strategyFor(), { maxExecutions: MAX_EXECUTIONS, maxSteps: 10_000 });
  const elapsed = ms(t0);
  return {
    executions: r.executions,
    steps: r.steps,
    ms: elapsed,
    verdict: r.found ? r.found.outcome.kind : r.complete ? 'ok' : 'incomplete',
  };
}

/** Whether `spin` and `gcc` are on the PATH. */
export function spinInstalled() {
  for (const tool of ['spin', 'gcc']) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error) return false;
  }
  return true;
}

/**
 * Runs SPIN on a Promela model in a fresh directory: `spin -a`, `gcc -O2 -DSAFETY -DNOFAIR`, then
 * `./pan` (safety: assertions and invalid end states, partial-order reduction on, stop at the first error).
 */
export function runSpin(pml, defines) {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-spin-'));
  try {
    const t0 = process.hrtime.bigint();
    const opts = { cwd: dir, timeout: SPIN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] };
    execFileSync('spin', [...defines, '-a', join(PROMELA, pml)], opts);
    execFileSync('gcc', ['-O2', '-DSAFETY', '-DNOFAIR', '-DMEMLIM=2048', '-o', 'pan', 'pan.c'], opts);
    const compileMs = ms(t0);
    const run = spawnSync('./pan', ['-m1000000'], { ...opts, encoding: 'utf8' });
    const total = ms(t0);
    const out = run.stdout ?? '';
    const num = (re) => {
      const m = re.exec(out);
      return m ? Number(m[1]) : null;
    };
    const errors = num(/errors: (\d+)/);
    // pan stops early, with `errors: 0`, when it runs out of memory or search depth: not a verdict.
    const verdict =
      run.error || run.signal
        ? 'timeout'
        : /reached -DMEMLIM bound|out of memory/.test(out)
          ? 'memory'
          : /max search depth too small/.test(out)
            ? 'depth'
            : errors === null
              ? 'failed'
              : /invalid end state \(/.test(out)
                ? 'deadlock'
                : errors > 0
                  ? 'error'
                  : 'ok';
    return {
      states: num(/(\d+) states, stored/),
      transitions: num(/(\d+) transitions/),
      compileMs,
      ms: total,
      verdict,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(cells, widths) {
  return cells
    .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
    .join(' ');
}

const WIDTHS = [28, 11, 10, 10, 10, 9, 10, 11, 11, 9, 9, 12];
const HEAD = [
  'model',
  'verdict',
  'execs',
  'steps',
  'steps/s',
  'ms',
  'spin',
  'states',
  'transitions',
  'compile',
  'spin ms',
  'spin/lockstep',
];

function line(name, l, s) {
  // A ratio only when both sides finished: a bound or a timeout makes it meaningless.
  const finished =
    s && l.verdict !== 'incomplete' && !['timeout', 'memory', 'depth', 'failed'].includes(s.verdict);
  const ratio = finished && l.ms > 0 ? `${(s.ms / l.ms).toFixed(1)}x` : '-';
  console.log(
    row(
      [
        name,
        l.verdict,
        l.executions,
        l.steps,
        l.ms > 0 ? Math.round((l.steps / l.ms) * 1000) : '-',
        l.ms.toFixed(1),
        s ? s.verdict : 'n/a',
        s?.states ?? '-',
        s?.transitions ?? '-',
        s ? s.compileMs.toFixed(0) : '-',
        s ? s.ms.toFixed(0) : '-',
        ratio,
      ],
      WIDTHS,
    ),
  );
}

/** The seed scenario's first counterexample in-process: the median of `runs` checks after one warm-up. */
function seedLockstep(runs = 20) {
  const target = resolveTarget('falloc-dio', 'v6.6-rc7');
  const t0 = process.hrtime.bigint();
  let r = check(target);
  const coldMs = ms(t0);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    r = check(target);
    times.push(ms(t));
  }
  times.sort((a, b) => a - b);
  const e = r.explore;
  return {
    executions: e.executions,
    steps: e.steps,
    ms: times[Math.floor(runs / 2)],
    coldMs,
    verdict: e.found ? e.found.outcome.kind : 'ok',
  };
}

/** Prints the side-by-side table. */
export function runSpinBench() {
  const spin = spinInstalled();
  console.log(
    `\nlockstep (${strategyFor().name}, at most ${MAX_EXECUTIONS} executions per row) vs SPIN (spin -a, gcc -O2 -DSAFETY, ./pan; partial-order reduction)`,
  );
  if (!spin) console.log('spin not installed (apt-get install spin): SPIN columns left empty');
  console.log(row(HEAD, WIDTHS));
  for (const c of CASES) {
    const l = runLockstep(c.bench);
    const s = spin ? runSpin(c.pml, c.defines) : null;
    line(c.bench.name, l, s);
  }
  const seed = seedLockstep();
  const s = spin ? runSpin('falloc-dio.pml', []) : null;
  line('falloc-dio@v6.6-rc7 (first)', seed, s);
  console.log(
    `falloc-dio@v6.6-rc7: lockstep ms is the median of 20 warm checks; the first, cold, took ${seed.coldMs.toFixed(1)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) runSpinBench();
