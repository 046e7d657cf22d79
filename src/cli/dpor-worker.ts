import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { Target } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import type { Model } from '../explore/execute.js';
import type { Counterexample } from '../explore/explore.js';
import { decodeUnit, encodeBranches, encodeResult } from '../explore/unit-codec.js';
import { runUnit } from '../explore/unit-run.js';
import { type FoundData, KeptBranches, limitsOf, type WorkerInit } from './pool.js';

// A worker thread of `check --workers`: builds the target once, then runs the units the pool sends.
// It loads only what its source needs: the kernel model and the model-file loader (tsx) take a
// few hundred milliseconds to load, which a benchmark's worker would spend before its first unit.

/**
 * What makes the target's model for each unit. A target's model is made afresh for every unit: its
 * checkers keep state across executions (lockdep's dependency graph, like lockdep across a boot),
 * and a report must depend on the unit's own executions, not on which units this thread ran before
 * (that depends on timing). A benchmark's keeps none: one serves every unit.
 */
async function modelsFor(init: WorkerInit): Promise<() => Model> {
  const s = init.source;
  if (s.kind === 'benchmark') {
    const { BENCHMARKS } = await import('../benchmarks/index.js');
    const make = BENCHMARKS[s.name] as (...args: number[]) => { model: Model };
    const model = make(...s.args).model;
    return () => model;
  }
  const { modelOf } = await import('../api/target.js');
  const target = await targetOf(init);
  return () => modelOf(target);
}

async function targetOf(init: WorkerInit): Promise<Target> {
  const s = init.source;
  if (s.kind === 'benchmark')
    throw new LockstepError('E_WORKER', 'a benchmark is not a target', 'use modelsFor');
  if (s.kind === 'scenario') {
    const { resolveTarget } = await import('../api/target.js');
    return resolveTarget(s.scenario, s.variant, s.config, s.params);
  }
  const [{ loadModelFile }, { targetsOf }, { targetHeader }] = await Promise.all([
    import('./load-model.js'),
    import('../api/model-target.js'),
    import('../api/target.js'),
  ]);
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

/** A problem as data: a checker's report crosses threads as its text (outcomes hold functions). */
function foundData(f: Counterexample): FoundData {
  const o = f.outcome;
  if (o.kind !== 'lockdep' && o.kind !== 'dept') return { outcome: o, schedule: f.schedule };
  const r = o.report;
  const report = {
    kind: r.kind,
    headline: r.headline,
    text: r.text(),
    ...(r.checker ? { checker: r.checker } : {}),
    ...(r.actor !== undefined ? { actor: r.actor } : {}),
  };
  return { outcome: { ...o, report }, schedule: f.schedule };
}

const init = workerData as WorkerInit;
const port = parentPort!;
const models = await modelsFor(init);
const kept = new KeptBranches(threadId);
port.on('message', (m: { unit: Int32Array } | { release: number }) => {
  if ('release' in m) {
    // The search stopped early: the branches kept here go into its checkpoint.
    const branches = encodeBranches(kept.release({ thread: threadId, token: m.release }));
    port.postMessage({ released: { token: m.release, branches } }, [branches.buffer]);
    return;
  }
  try {
    // Unpacked here, the unit's tree is this thread's own: its search consumes it without a copy.
    const o = runUnit(models(), init.mode, kept.take(decodeUnit(m.unit)), limitsOf(init), true);
    const result = encodeResult(kept.keep(o.result));
    const outcome = { ...o, result, found: o.found ? foundData(o.found) : null };
    port.postMessage({ outcome }, [result.buffer]);
  } catch (e) {
    const code = e instanceof LockstepError ? e.code : 'E_WORKER';
    const hint =
      e instanceof LockstepError ? e.hint : 'run the same check without --workers to see the error';
    port.postMessage({ error: { code, message: e instanceof Error ? e.message : String(e), hint } });
  }
});
// Units are sent to a worker once it says it has loaded the target (pool.ts).
port.postMessage({ ready: true });
