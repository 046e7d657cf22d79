// Parallel DPOR (`check --workers N`): wall time of the one search against the same search on N
// threads, on the classic benchmarks; the executions must be equal (each trace once) and the
// speed-up near N when the machine has N idle cores. Every time is a fresh process's, as a user's
// `lockstep check` is (cold: thread start-up and JIT warm-up included), the median of a few runs.
// The ceiling is what the machine gives two threads that share nothing: two one-thread searches
// run at once, as processes, do twice the work in `ceiling` times less than twice one's time.
// `units` is how many units the parallel search ran, `extensions` how many reversals landed in a
// sibling already running elsewhere (each costs the coordinator two tree inserts and heap).
// `work` is the CPU time of the whole process on N threads (search threads and V8's helper
// threads: compiler, garbage collector) over the one search's: what running on N threads costs in
// all, the figure that decides the speed-up on N busy cores (at best N / work), and one the host's
// load disturbs less than wall time (on this machine's virtual cores, wall time drifts by ±30%).
// Then memory over a long run: the heap sampled every 20,000 executions of one search stays flat.
// Run with `npm run bench`; `CASES='[["lastzero",[15]]]' node bench/parallel.mjs` runs only the
// cases given (and then the memory run).

import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { BENCHMARKS as benchmarks } from '../dist/benchmarks/index.js';
import { check, DEFAULT_CHECK, DporStrategy, explore, modelOf, resolveTarget } from '../dist/index.js';

const limits = { maxExecutions: 10_000_000, maxSteps: 10_000 };
const cases = process.env.CASES
  ? JSON.parse(process.env.CASES)
  : [
      ['indexer', [16]],
      ['indexer', [17]],
      ['lastzero', [14]],
      ['lastzero', [15]],
      ['readersWriters', [5, 2]],
      // The seed scenario on the fixed kernel, as `lockstep check falloc-dio --kernel v6.6 --param
      // loops=4 [--workers N]` runs it: every unit builds the kernel model afresh (its own lockdep).
      ['falloc-dio', [4]],
    ];
const REPEAT = 3;
const self = new URL(import.meta.url).pathname;

function row(cells) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(22) : String(c).padStart(12))).join(' ');
}

/** A case's name in the table: a benchmark's, or the seed scenario's with its loops. */
const caseName = (name, args) =>
  name === 'falloc-dio' ? `falloc-dio loops=${args[0]}` : benchmarks[name](...args).name;

/** The seed scenario on the fixed kernel (no deadlock: the search explores every trace). */
const fallocDio = (loops) => resolveTarget('falloc-dio', 'v6.6', [], [['loops', String(loops)]]);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One measurement in a fresh process: `threads` 0 is the one search, N the parallel one on N threads. */
function measure(name, args, threads) {
  const out = execFileSync(process.execPath, [self, 'child', name, JSON.stringify(args), String(threads)], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** Two one-thread searches at once, in two processes: the longer one's time (start-up not counted). */
function concurrentPair(name, args) {
  const run = () =>
    new Promise((done, fail) => {
      const p = spawn(process.execPath, [self, 'child', name, JSON.stringify(args), '0']);
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.on('exit', (code) =>
        code === 0 ? done(JSON.parse(out).seconds) : fail(new Error(`child exited ${code}`)),
      );
    });
  return Promise.all([run(), run()]).then((s) => Math.max(...s));
}

export async function runParallelBench(threadCounts = [2]) {
  console.log(
    `\nparallel DPOR on N threads (${cpus().length} cores; fresh process per run, median of ${REPEAT}; speed-up = one thread's time / N threads' time; ceiling = the speed-up of two searches that share nothing, two processes at once)`,
  );
  console.log(
    row([
      'model',
      'threads',
      'executions',
      'units',
      'extensions',
      'one: s',
      'N: s',
      'speed-up',
      'ceiling',
      'work',
    ]),
  );
  for (const [name, args] of cases) {
    // Rounds of one run of each kind, not all runs of one kind then all of the next: the machine's
    // speed drifts over minutes, and in rounds the drift falls on every kind alike.
    const one = [];
    const pair = [];
    const pars = threadCounts.map(() => []);
    for (let i = 0; i < REPEAT; i++) {
      one.push(measure(name, args, 0));
      pair.push(await concurrentPair(name, args));
      for (const [k, n] of threadCounts.entries()) pars[k].push(measure(name, args, n));
    }
    const oneS = median(one.map((m) => m.seconds));
    const ceiling = (2 * oneS) / median(pair);
    for (const [k, n] of threadCounts.entries()) {
      const par = pars[k];
      const parS = median(par.map((m) => m.seconds));
      const work = median(par.map((m) => m.cpu)) / median(one.map((m) => m.cpu));
      const execs = par[0].executions;
      const same = execs === one[0].executions ? '' : ` (one: ${one[0].executions})`;
      console.log(
        row([
          caseName(name, args),
          n,
          `${execs}${same}`,
          par[0].units,
          par[0].extensions,
          oneS.toFixed(2),
          parS.toFixed(2),
          `${(oneS / parS).toFixed(2)}x`,
          n === 2 ? `${ceiling.toFixed(2)}x` : '',
          `${work.toFixed(2)}x`,
        ]),
      );
    }
  }
}

/** The child: one search, timed from before the threads start to the result. */
async function child(name, args, threads) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r =
    name === 'falloc-dio' ? await scenarioChild(args[0], threads) : await benchmarkChild(name, args, threads);
  process.stdout.write(
    JSON.stringify({
      ...r,
      seconds: (performance.now() - t0) / 1000,
      cpu: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0)),
    }),
  );
}

async function benchmarkChild(name, args, threads) {
  const b = benchmarks[name](...args);
  if (threads === 0)
    return { executions: explore(b.model, new DporStrategy(), limits).executions, units: 0, extensions: 0 };
  const { PARALLEL_BUDGET, PARALLEL_WINDOW } = await import('../dist/api/check.js');
  const { UnitPool } = await import('../dist/cli/pool.js');
  const { exploreParallel } = await import('../dist/explore/parallel.js');
  const pool = new UnitPool(
    threads,
    { source: { kind: 'benchmark', name, args }, mode: 'optimal', maxSteps: limits.maxSteps },
    () => b.model,
  );
  const r = await exploreParallel(
    { window: PARALLEL_WINDOW * threads, budget: PARALLEL_BUDGET },
    limits,
    pool.run,
  );
  await pool.close();
  return { executions: r.executions, units: r.units, extensions: r.extensions };
}

/** The seed scenario as the CLI checks it, on one thread or with a pool as `--workers` makes. */
async function scenarioChild(loops, threads) {
  const t = fallocDio(loops);
  const options = { ...DEFAULT_CHECK, maxExecutions: limits.maxExecutions };
  if (threads === 0) return { executions: check(t, options).explore.executions, units: 0, extensions: 0 };
  const { checkParallel } = await import('../dist/api/check.js');
  const { scenarioSource, UnitPool } = await import('../dist/cli/pool.js');
  const pool = new UnitPool(
    threads,
    { source: scenarioSource(t), mode: 'optimal', maxSteps: options.maxSteps },
    () => modelOf(t),
  );
  const r = await checkParallel(t, options, threads, pool);
  await pool.close();
  return { executions: r.explore.executions, units: r.explore.units, extensions: r.explore.extensions };
}

export function runMemoryBench(name = 'lastzero', args = [16]) {
  const b = benchmarks[name](...args);
  const samples = [];
  const t0 = performance.now();
  const r = explore(b.model, new DporStrategy(), limits, {
    every: 20_000,
    onProgress: (p) => {
      // Live heap: garbage collected first when node runs with --expose-gc (npm run bench does).
      globalThis.gc?.();
      samples.push([p.executions, process.memoryUsage().heapUsed / 2 ** 20]);
    },
  });
  const s = (performance.now() - t0) / 1000;
  const heaps = samples.map(([, h]) => h);
  console.log(
    `\nmemory over one long search: ${b.name}, ${r.executions} executions, ${r.steps} steps in ${s.toFixed(1)} s`,
  );
  console.log(
    `${globalThis.gc ? 'live heap' : 'heap used (run node --expose-gc for the live heap)'} every 20,000 executions (MB): ${heaps.map((h) => h.toFixed(0)).join(' ')}; first ${heaps[0]?.toFixed(0)}, max ${Math.max(...heaps).toFixed(0)}, last ${heaps.at(-1)?.toFixed(0)}`,
  );
}

if (process.argv[2] === 'child') {
  await child(process.argv[3], JSON.parse(process.argv[4]), Number(process.argv[5]));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await runParallelBench([1, 2]);
  runMemoryBench();
}
