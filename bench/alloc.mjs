// Where an exploration allocates: the sampling heap profiler, counting objects the GC already
// collected, summed per allocating function. Usage: `npm run build && node bench/alloc.mjs [model] [size]`
// (the models of bench/profile.mjs; default indexer 14).

import { Session } from 'node:inspector';
import { DporStrategy, explore } from '../dist/index.js';
import { benchmarkFromArgv } from './models.mjs';

const bench = benchmarkFromArgv({ indexer: 14, lastzero: 12 });
const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
  );
await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: process.env.MINOR !== '0',
});
const r = explore(bench.model, new DporStrategy(), { maxExecutions: 5_000_000, maxSteps: 10_000 });
const { profile } = await post('HeapProfiler.stopSampling');
const bytes = new Map();
let total = 0;
const where = (f) =>
  `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
const walk = (node, parent = null) => {
  const f = node.callFrame;
  // A builtin (`next`, `push`) is charged to its caller too, so that one can see who calls it.
  const key = f.url === '' && parent ? `${where(f)} <- ${where(parent.callFrame)}` : where(f);
  const self = node.selfSize;
  total += self;
  bytes.set(key, (bytes.get(key) ?? 0) + self);
  for (const c of node.children) walk(c, node);
};
walk(profile.head);
console.log(`${bench.name}: ${r.steps} steps, ~${(total / r.steps).toFixed(0)} bytes allocated per step`);
for (const [k, b] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(
    `${((b / total) * 100).toFixed(1).padStart(5)}%  ${(b / r.steps).toFixed(1).padStart(7)} B/step  ${k}`,
  );
}
