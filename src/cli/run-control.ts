import { type CheckOptions, type CheckResult, check, type StrategyName } from '../api/check.js';
import type { Target } from '../api/target.js';
import type { ExploreHooks, ExploreProgress } from '../explore/explore.js';
import { parseCount } from './parse.js';

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
  livelockBound: string;
}

/** The check options the flags give; a bad number is E_BAD_NUMBER. */
export function checkOptionsOf(flags: ExploreFlags): CheckOptions {
  return {
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

/** Checks each target in turn under `--max-time`, Ctrl-C and progress as the flags say. */
export function checkEach(targets: readonly Target[], flags: ExploreFlags): CheckResult[] {
  const options = checkOptionsOf(flags);
  const maxTime = flags.maxTime === undefined ? null : parseCount('--max-time', flags.maxTime, 1);
  const progress = flags.progress ?? process.stderr.isTTY === true;
  return targets.map((t) => {
    const control = runControl(`${t.scenario.name} on ${t.variant}`, maxTime, progress);
    try {
      return check(t, options, control.hooks);
    } finally {
      control.done();
    }
  });
}
