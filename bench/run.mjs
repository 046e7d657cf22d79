// Throughput of the explorer on the seed scenario: steps per second and executions per second,
// for optimal DPOR (the default), the sleep-set DFS and the naive DFS, on the shipped fix (v6.6), where
// the whole tree must be explored. Run with `npm run bench` (builds first).

import { MATRIX_ROWS, runMatrix } from '../dist/api/matrix.js';
import { DfsStrategy, DporStrategy, explore, modelOf, resolveTarget } from '../dist/index.js';
import { runMemoryBench, runParallelBench } from './parallel.mjs';
import { runSpinBench } from './spin.mjs';
import { runThroughputTable } from './throughput.mjs';

// `naive`: also run the DFS without sleep sets (minutes past loops=1, so only there).
const cases = [
  { scenario: 'falloc-dio', variant: 'v6.6', params: [['loops', '1']], naive: true },
  { scenario: 'falloc-dio', variant: 'v6.6', params: [['loops', '2']], naive: false },
  { scenario: 'falloc-dio', variant: 'v6.6', params: [['loops', '3']], naive: false },
  { scenario: 'reap-then-falloc', variant: 'v6.6-rc7', params: [['loops', '1']], naive: true },
  { scenario: 'falloc-dio', variant: 'v6.6-rc7', params: [['loops', '1']], naive: false },
  { scenario: 'falloc-dio', variant: 'v6.6', params: [['fs', 'ext4']], naive: false },
  { scenario: 'unaligned-dio', variant: 'v6.6', params: [], naive: false },
  { scenario: 'unaligned-dio', variant: 'v6.6', params: [['w2', 'unwritten']], naive: false },
  { scenario: 'falloc-dio', variant: 'v6.6', params: [['signal', 'usr1']], naive: false },
];

function measure(model, how, minMs = 1500) {
  let runs = 0;
  let steps = 0;
  let executions = 0;
  let result;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    result = explore(model, how === 'dpor' ? new DporStrategy() : new DfsStrategy(how === 'sleep-sets'), {
      maxExecutions: 2_000_000,
      maxSteps: 10_000,
    });
    runs++;
    steps += result.steps;
    executions += result.executions;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  } while (elapsed < minMs);
  return {
    result,
    runs,
    stepsPerSec: (steps / elapsed) * 1000,
    execsPerSec: (executions / elapsed) * 1000,
    msPerRun: elapsed / runs,
  };
}

function row(cells) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(36) : String(c).padStart(12))).join(' ');
}

console.log(row(['case', 'strategy', 'executions', 'complete', 'steps/s', 'execs/s', 'ms/explore']));
for (const c of cases) {
  const model = modelOf(resolveTarget(c.scenario, c.variant, [], c.params));
  const name = `${c.scenario}${c.params.map(([k, v]) => ` ${k}=${v}`).join('')} @${c.variant}`;
  const executions = {};
  for (const how of ['dpor', 'sleep-sets', 'naive']) {
    if (how === 'naive' && !c.naive) continue;
    const m = measure(model, how);
    executions[how] = m.result.executions;
    console.log(
      row([
        name,
        how,
        m.result.executions,
        m.result.complete,
        Math.round(m.stepsPerSec),
        Math.round(m.execsPerSec),
        m.msPerRun.toFixed(1),
      ]),
    );
  }
  if (executions.naive) {
    console.log(
      `${''.padEnd(36)} DPOR runs ${(executions.naive / executions.dpor).toFixed(0)}x fewer executions than naive, sleep sets alone ${(executions.naive / executions['sleep-sets']).toFixed(0)}x`,
    );
  }
}

// Optimal DPOR on the classic benchmark models and the seed scenario: steps/s, executions/s, heap.
runThroughputTable();

// The whole verdict matrix, as `lockstep matrix` runs it.
{
  const t0 = process.hrtime.bigint();
  const lines = runMatrix();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cells = lines.flatMap((l) => l.cells);
  const executions = cells.reduce((n, c) => n + c.result.explore.executions, 0);
  const steps = cells.reduce((n, c) => n + c.result.explore.steps, 0);
  console.log(
    `\nmatrix: ${MATRIX_ROWS.length} rows, ${cells.length} cells, ${executions} executions, ${steps} steps in ${(ms / 1000).toFixed(1)} s (${Math.round((steps / ms) * 1000)} steps/s)`,
  );
}

// The classic DPOR benchmarks and the seed scenario, side by side with SPIN (bench/spin.mjs).
runSpinBench();

// Parallel DPOR on worker threads against one thread, then the live heap over one long search.
await runParallelBench([1, 2]);
runMemoryBench();
