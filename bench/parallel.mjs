// Parallel DPOR (`check --workers N`): wall time of the one search in this thread against the same
// search on N worker threads, on the classic benchmarks; the executions must be equal (each trace
// once) and the speed-up near N when the machine has N idle cores. Then memory over a long run: the
// heap sampled every 20,000 executions of one search stays flat. Run with `npm run bench`.

import { cpus } from 'node:os';
import { PARALLEL_BUDGET, PARALLEL_ROUND } from '../dist/api/check.js';
import * as benchmarks from '../dist/benchmarks/index.js';
import { UnitPool } from '../dist/cli/pool.js';
import { exploreParallel } from '../dist/explore/parallel.js';
import { DporStrategy, explore } from '../dist/index.js';

const limits = { maxExecutions: 10_000_000, maxSteps: 10_000 };
const cases = [
  ['indexer', [15]],
  ['indexer', [16]],
  ['lastzero', [12]],
  ['lastzero', [14]],
  ['readersWriters', [5, 2]],
];

function row(cells) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(22) : String(c).padStart(13))).join(' ');
}

export async function runParallelBench(workerCounts = [2]) {
  console.log(
    `\nparallel DPOR on worker threads (${cpus().length} cores; speed-up = one thread's time / N workers' time)`,
  );
  console.log(row(['model', 'workers', 'executions', 'one: s', 'workers: s', 'speed-up', 'rounds']));
  for (const [name, args] of cases) {
    const b = benchmarks[name](...args);
    const t0 = performance.now();
    const one = explore(b.model, new DporStrategy(), limits);
    const oneS = (performance.now() - t0) / 1000;
    for (const n of workerCounts) {
      const pool = new UnitPool(
        n,
        { source: { kind: 'benchmark', name, args }, mode: 'optimal', maxSteps: limits.maxSteps },
        b.model,
      );
      const t1 = performance.now();
      const par = await exploreParallel(
        { round: PARALLEL_ROUND * n, budget: PARALLEL_BUDGET },
        limits,
        pool.run,
      );
      const parS = (performance.now() - t1) / 1000;
      await pool.close();
      const same = par.executions === one.executions ? '' : ` (one: ${one.executions})`;
      console.log(
        row([
          b.name,
          n,
          `${par.executions}${same}`,
          oneS.toFixed(2),
          parS.toFixed(2),
          `${(oneS / parS).toFixed(2)}x`,
          par.rounds,
        ]),
      );
    }
  }
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

if (import.meta.url === `file://${process.argv[1]}`) {
  await runParallelBench([1, 2]);
  runMemoryBench();
}
