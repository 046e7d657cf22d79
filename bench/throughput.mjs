// Throughput of optimal DPOR (the default strategy) on the classic benchmark models and the seed
// scenario: executions, traces, steps, time, steps/s, executions/s and peak heap, single-process.
// A model that explores in under a second is explored again until a second has passed, so that its
// rates are those of warm code; `ms` is then the time of one exploration. Each row runs in a fresh
// process, so that the code V8 optimised for one model (its op shapes) does not slow the next. Run with
// `npm run bench` (with the rest) or `npm run build && node bench/throughput.mjs`.

import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DporStrategy,
  explore,
  filesystem,
  indexer,
  lastzero,
  modelOf,
  philosophers,
  readersWriters,
  resolveTarget,
} from '../dist/index.js';

const LIMITS = { maxExecutions: 5_000_000, maxSteps: 10_000 };
const MIN_MS = 1000;

/** The rows: a name and a model. */
export const THROUGHPUT_CASES = [
  ...[13, 14, 15, 16].map((n) => indexer(n)),
  ...[10, 11, 12, 13, 14, 15].map((n) => lastzero(n)),
  filesystem(16),
  filesystem(18),
  readersWriters(4, 3),
  readersWriters(3, 3, { locked: true }),
  philosophers(6),
  philosophers(7, { ordered: true }),
].map((b) => ({ name: b.name, model: b.model }));

for (const [variant, params] of [
  ['v6.6', [['loops', '1']]],
  ['v6.6', [['loops', '2']]],
]) {
  THROUGHPUT_CASES.push({
    name: `falloc-dio${params.map(([k, v]) => ` ${k}=${v}`).join('')} @${variant}`,
    model: modelOf(resolveTarget('falloc-dio', variant, [], params)),
  });
}

const heap = () => process.memoryUsage().heapUsed;

/**
 * Explores `model` with optimal DPOR, again until MIN_MS have passed (the first run warms the code
 * up and is not counted when there are more); time and rates are those of the median run.
 */
export function measureThroughput(model) {
  let peak = heap();
  const onProgress = () => {
    peak = Math.max(peak, heap());
  };
  const times = [];
  let result;
  const start = process.hrtime.bigint();
  do {
    const t0 = process.hrtime.bigint();
    result = explore(model, new DporStrategy(), LIMITS, { every: 1000, onProgress });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    peak = Math.max(peak, heap());
  } while (Number(process.hrtime.bigint() - start) / 1e6 < MIN_MS);
  const counted = times.length > 1 ? times.slice(1) : times;
  const ms = counted.sort((a, b) => a - b)[Math.floor(counted.length / 2)];
  return {
    result,
    ms,
    stepsPerSec: (result.steps / ms) * 1000,
    execsPerSec: (result.executions / ms) * 1000,
    peakHeapMB: peak / 2 ** 20,
  };
}

const WIDTHS = [30, 9, 8, 8, 10, 9, 10, 9, 8];

function row(cells) {
  return cells
    .map((c, i) => (i === 0 ? String(c).padEnd(WIDTHS[i]) : String(c).padStart(WIDTHS[i])))
    .join(' ');
}

/** One row, measured in this process: the cells of the table. */
function measureRow(c) {
  const m = measureThroughput(c.model);
  const r = m.result;
  return [
    c.name,
    r.found ? r.found.outcome.kind : r.complete ? 'ok' : 'incomplete',
    r.executions,
    r.traces ?? '-',
    r.steps,
    m.ms.toFixed(0),
    Math.round(m.stepsPerSec),
    Math.round(m.execsPerSec),
    m.peakHeapMB.toFixed(1),
  ];
}

/** Prints the throughput table, each row measured in a child process. */
export function runThroughputTable() {
  console.log(
    '\nOptimal DPOR throughput, one process per row: median exploration (peak heap sampled every 1000 executions)',
  );
  console.log(row(['model', 'verdict', 'execs', 'traces', 'steps', 'ms', 'steps/s', 'execs/s', 'heap MB']));
  const self = fileURLToPath(import.meta.url);
  THROUGHPUT_CASES.forEach((_, i) => {
    const out = execFileSync(process.execPath, [self, '--row', String(i)], { encoding: 'utf8' });
    console.log(row(JSON.parse(out)));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--row');
  if (at > 0) console.log(JSON.stringify(measureRow(THROUGHPUT_CASES[Number(process.argv[at + 1])])));
  else runThroughputTable();
}
