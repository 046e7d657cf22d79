import {
  type CheckOptions,
  type CheckResult,
  checkAsync,
  checkParallel,
  isDpor,
  type Resume,
  type StrategyName,
} from '../api/check.js';
import { modelOf, type Target } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import type { ExploreHooks, ExploreProgress } from '../explore/explore.js';
import { readCheckpoint, resumesFor, writeCheckpoint } from './checkpoint.js';
import { parseCount } from './parse.js';
import { UnitPool, type WorkerSource } from './pool.js';
import { parseShard } from './shards.js';

/**
 * Hooks for a long run (Node only, so they live in cli/): progress on stderr when it is a terminal
 * (executions, distinct traces, executions per second, depth, elapsed), `--max-time`, and Ctrl-C,
 * which stops the run between executions so that the partial result is still printed.
 */
export interface RunControl {
  readonly hooks: ExploreHooks;
  /** Removes the Ctrl-C handler and clears the progress line. */
  done(): void;
}

export function runControl(label: string, maxTimeSeconds: number | null, progress: boolean): RunControl {
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  let interrupted = false;
  const onSigint = (): void => {
    // A second Ctrl-C kills at once, as users expect.
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let shown = false;
  const onProgress = (p: ExploreProgress): void => {
    const t = elapsed();
    const rate = t > 0 ? Math.round(p.executions / t) : 0;
    process.stderr.write(
      `\r${label}: ${p.executions} executions, ${p.traces} traces, ${rate}/s, max depth ${p.maxDepth}, ${t.toFixed(1)} s  `,
    );
    shown = true;
  };
  const hooks: ExploreHooks = {
    ...(progress ? { onProgress, every: 500 } : {}),
    shouldStop: () => {
      if (interrupted) return 'interrupted';
      if (maxTimeSeconds !== null && elapsed() >= maxTimeSeconds) return 'max-time';
      return null;
    },
  };
  return {
    hooks,
    done() {
      process.off('SIGINT', onSigint);
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The exploration flags `lockstep check` takes for scenarios and model files alike. */
export interface ExploreFlags {
  strategy: StrategyName;
  seed: string;
  maxExecutions: string;
  maxSteps: string;
  depth?: string;
  preemptionBound?: string;
  shrink?: boolean;
  maxTime?: string;
  progress?: boolean;
  shard?: string;
  checkpoint?: string;
  resume?: string;
  workers?: string;
  livelockBound: string;
}

/** The check options the flags give; a bad number is E_BAD_NUMBER. */
export function checkOptionsOf(flags: ExploreFlags): CheckOptions {
  if (flags.shard !== undefined && !isDpor(flags.strategy)) {
    throw new LockstepError(
      'E_BAD_SHARD',
      `--shard needs a DPOR strategy, not '${flags.strategy}'`,
      'use --strategy dpor (the default) or source-dpor',
    );
  }
  return {
    ...(flags.shard === undefined ? {} : { partition: parseShard(flags.shard) }),
    strategy: flags.strategy,
    seed: parseCount('--seed', flags.seed, 0),
    maxExecutions: parseCount('--max-executions', flags.maxExecutions, 1),
    maxSteps: parseCount('--max-steps', flags.maxSteps, 1),
    depth: parseCount('--depth', flags.depth ?? '3', 1),
    shrink: flags.shrink !== false,
    livelockBound: parseCount('--livelock-bound', flags.livelockBound, 0),
    ...(flags.preemptionBound === undefined
      ? {}
      : { preemptionBound: parseCount('--preemption-bound', flags.preemptionBound, 0) }),
  };
}

/** `--workers N`: a target's check by parallel DPOR, its units on N threads (this one and N - 1 workers). */
function onWorkers(
  flags: ExploreFlags,
  options: CheckOptions,
  source: (t: Target) => WorkerSource,
): (t: Target, hooks: ExploreHooks, from?: Resume) => Promise<CheckResult> {
  const n = parseCount('--workers', flags.workers!, 1);
  if (!isDpor(options.strategy) || options.partition || options.preemptionBound !== undefined) {
    throw new LockstepError(
      'E_USAGE',
      '--workers runs an optimal or source DPOR search, without --shard or --preemption-bound',
      'drop --workers, or the other option',
    );
  }
  const mode = options.strategy === 'source-dpor' ? 'source' : 'optimal';
  return async (t, hooks, from) => {
    const pool = new UnitPool(
      n,
      {
        source: source(t),
        mode,
        maxSteps: options.maxSteps,
        ...(options.livelockBound === undefined ? {} : { livelockBound: options.livelockBound }),
      },
      // A fresh model per unit, as a worker makes (dpor-worker.ts: lockdep's state is the unit's).
      () => modelOf(t),
    );
    try {
      return await checkParallel(t, options, n, pool, hooks, from);
    } finally {
      await pool.close();
    }
  };
}

/** Where a check stopped early writes its checkpoint unless --checkpoint says. */
export const DEFAULT_CHECKPOINT = 'lockstep-checkpoint.json';

/**
 * Checks each target in turn under `--max-time`, Ctrl-C and progress as the flags say; resumes
 * from `--resume`; and when a DPOR search stops early, writes where it stopped to the checkpoint.
 */
export async function checkEach(
  targets: readonly Target[],
  flags: ExploreFlags,
  source: (t: Target) => WorkerSource,
): Promise<CheckResult[]> {
  const options = checkOptionsOf(flags);
  const parallel = flags.workers === undefined ? null : onWorkers(flags, options, source);
  const maxTime = flags.maxTime === undefined ? null : parseCount('--max-time', flags.maxTime, 1);
  const progress = flags.progress ?? process.stderr.isTTY === true;
  if (flags.resume !== undefined && !isDpor(options.strategy)) {
    throw new LockstepError(
      'E_BAD_CHECKPOINT',
      `--resume needs a DPOR strategy, not '${options.strategy}'`,
      'checkpoints are written by --strategy dpor (the default) and source-dpor',
    );
  }
  const resumes =
    flags.resume === undefined
      ? []
      : resumesFor(readCheckpoint(flags.resume), flags.resume, targets, options);
  const results: CheckResult[] = [];
  for (const [i, t] of targets.entries()) {
    const control = runControl(`${t.scenario.name} on ${t.variant}`, maxTime, progress);
    try {
      results.push(
        await (parallel
          ? parallel(t, control.hooks, resumes[i])
          : checkAsync(t, options, control.hooks, resumes[i])),
      );
    } finally {
      control.done();
    }
  }
  // A run cut by --max-executions saves its state only when asked to (--checkpoint).
  const path = flags.checkpoint ?? DEFAULT_CHECKPOINT;
  const saved = flags.checkpoint ? results : results.filter((r) => r.explore.stop !== 'max-executions');
  if (writeCheckpoint(path, saved, options)) {
    process.stderr.write(`lockstep: stopped early; checkpoint written to ${path}\n`);
    process.stderr.write(`lockstep: to go on: the same command with --resume ${path}\n`);
  }
  return results;
}
