import type { ExploreHooks, ExploreProgress } from '../explore/explore.js';

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
