import { parentPort, workerData } from 'node:worker_threads';
import { targetsOf } from '../api/model-target.js';
import { modelOf, resolveTarget, type Target, targetHeader } from '../api/target.js';
import * as benchmarks from '../benchmarks/index.js';
import { LockstepError } from '../core/errors.js';
import type { Unit } from '../explore/dpor.js';
import type { Model } from '../explore/execute.js';
import { runUnit } from '../explore/parallel.js';
import { loadModelFile } from './load-model.js';
import type { WorkerInit } from './pool.js';

// A worker thread of `check --workers`: builds the target once, then runs the units the pool sends.

async function modelFor(init: WorkerInit): Promise<Model> {
  const s = init.source;
  if (s.kind === 'benchmark') {
    const make = benchmarks[s.name] as (...args: number[]) => { model: Model };
    return make(...s.args).model;
  }
  return modelOf(await targetOf(init));
}

async function targetOf(init: WorkerInit): Promise<Target> {
  const s = init.source;
  if (s.kind === 'benchmark')
    throw new LockstepError('E_WORKER', 'a benchmark is not a target', 'use modelFor');
  if (s.kind === 'scenario') return resolveTarget(s.scenario, s.variant, s.config, s.params);
  const file = await loadModelFile(s.spec);
  const all = file.models.flatMap((m) =>
    targetsOf(m, { params: s.params, config: s.config, maxSteps: init.maxSteps, kernels: s.kernels }),
  );
  const t = all.find((x) => targetHeader(x) === s.header);
  if (!t)
    throw new LockstepError(
      'E_WORKER',
      `model file ${s.spec} changed while it was checked`,
      'run the check again',
    );
  return t;
}

const init = workerData as WorkerInit;
const port = parentPort!;
const model = await modelFor(init);
port.on('message', (m: { id: number; unit: Unit }) => {
  try {
    const o = runUnit(model, init.mode, m.unit, init.maxSteps);
    // Only the schedule of a problem crosses threads; the pool replays it for the outcome.
    port.postMessage({ id: m.id, outcome: { ...o, found: o.found ? { schedule: o.found.schedule } : null } });
  } catch (e) {
    const code = e instanceof LockstepError ? e.code : 'E_WORKER';
    const hint =
      e instanceof LockstepError ? e.hint : 'run the same check without --workers to see the error';
    port.postMessage({
      id: m.id,
      error: { code, message: e instanceof Error ? e.message : String(e), hint },
    });
  }
});
