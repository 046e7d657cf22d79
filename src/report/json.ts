import type { CheckResult } from '../api/check.js';
import { expectedVerdict, type Target } from '../api/target.js';
import type { Execution } from '../explore/execute.js';
import type { ExploreResult } from '../explore/explore.js';
import type { Lockable } from '../sync/lock-class.js';
import { callTrace } from './hung-task.js';
import { cycleJson, livelockCycle } from './livelock.js';
import { heldLocks, lockLine } from './lockdep-lines.js';
import { targetName } from './text.js';
import { explain } from './why.js';

/** Version of the JSON result format; bumped on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;

function targetJson(t: Target) {
  return {
    scenario: t.scenario.name,
    params: t.params,
    variant: t.variant,
    // A model without a kernel (variant `plain`) takes only the lockdep switch.
    config: t.custom && t.variant === 'plain' ? { lockdep: t.config.lockdep } : t.config,
  };
}

function blockedJson(ex: Execution) {
  if (ex.outcome.kind !== 'deadlock' && ex.outcome.kind !== 'livelock') return [];
  return ex.outcome.blocked.map((id) => {
    const a = ex.world.actors[id]!;
    const w = a.pending!.wait!;
    return {
      actor: a.label,
      comm: a.comm,
      pid: a.pid,
      kind: a.kind,
      state: w.state,
      hung: w.state === 'D',
      in: a.frames[a.frames.length - 1]?.name ?? null,
      until: w.until,
      callTrace: callTrace(a),
      locks: heldLocks(a).map((h) => lockLine(ex.world, h.lock as Lockable, h.site)),
    };
  });
}

function exploreJson(r: ExploreResult) {
  return {
    strategy: r.strategy,
    complete: r.complete,
    stop: r.stop,
    executions: r.executions,
    traces: r.traces,
    prunedBySleepSets: r.pruned,
    cutAtStepBound: r.cut,
    // Present only when some were cut, so that results without any read as they always did.
    ...(r.unfair ? { cutAsUnfair: r.unfair } : {}),
    steps: r.steps,
    maxDepth: r.maxDepth,
  };
}

/** The verdict of an execution, or 'ok'. */
function verdictOf(ex: Execution | null): string {
  return ex ? ex.outcome.kind : 'ok';
}

/** One target's result as JSON data. */
export function problemJson(target: Target, token: string | null, ex: Execution | null) {
  const cycle = ex ? livelockCycle(ex) : null;
  return {
    ...targetJson(target),
    verdict: verdictOf(ex),
    token,
    blocked: ex ? blockedJson(ex) : [],
    assertion: ex?.outcome.kind === 'assertion' ? ex.outcome.message : null,
    report:
      ex?.outcome.kind === 'lockdep' || ex?.outcome.kind === 'dept'
        ? {
            kind: ex.outcome.report.kind,
            headline: ex.outcome.report.headline,
            text: ex.outcome.report.text(),
          }
        : null,
    why:
      (ex?.outcome.kind === 'deadlock' || ex?.outcome.kind === 'livelock') && !cycle ? explain(ex.world) : [],
    ...(ex && cycle ? { cycle: cycleJson(ex, cycle) } : {}),
    steps: ex?.world.trace?.length ?? 0,
  };
}

/** One check result as JSON data. */
export function checkJson(r: CheckResult) {
  return {
    name: targetName(r.target),
    ...problemJson(r.target, r.token, r.execution),
    expected: expectedVerdict(r.target) ?? null,
    exploration: {
      ...exploreJson(r.explore),
      shard: r.partition ? { index: r.partition.shard, count: r.partition.shards } : null,
    },
    shrunk: r.shrunk,
  };
}

/** The document `--json` prints: one object, every result in it. */
export function checkDocument(results: readonly CheckResult[]) {
  return { format: 'lockstep-check', version: JSON_FORMAT_VERSION, results: results.map(checkJson) };
}
