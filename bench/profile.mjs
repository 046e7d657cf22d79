// One exploration of a benchmark model with optimal DPOR, for `node --cpu-prof`: prints executions,
// steps, time, steps/s and heap. Usage: `npm run build && node bench/profile.mjs [indexer|lastzero|
// filesystem|readers-writers|philosophers] [size]` (default indexer 16).

import { DporStrategy, explore } from '../dist/index.js';
import { benchmarkFromArgv } from './models.mjs';

const bench = benchmarkFromArgv({ indexer: 16, lastzero: 15 });
let peak = 0;
const t0 = process.hrtime.bigint();
const r = explore(
  bench.model,
  new DporStrategy(),
  { maxExecutions: 5_000_000, maxSteps: 10_000 },
  {
    every: 1000,
    onProgress: () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  },
);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
peak = Math.max(peak, process.memoryUsage().heapUsed);
console.log(
  `${bench.name}: ${r.executions} executions, ${r.traces} traces, ${r.steps} steps, ${ms.toFixed(0)} ms, ` +
    `${Math.round((r.steps / ms) * 1000)} steps/s, ${Math.round((r.executions / ms) * 1000)} execs/s, ` +
    `peak heap ${(peak / 2 ** 20).toFixed(1)} MB`,
);
