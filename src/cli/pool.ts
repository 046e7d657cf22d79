import { Worker } from 'node:worker_threads';
import type { Target } from '../api/target.js';
import type { BenchmarkName } from '../benchmarks/index.js';
import { type ErrorCode, LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import type { DporMode } from '../explore/dpor.js';
import type { Counterexample } from '../explore/explore.js';
import type { RoundRunner, UnitOutcome, WorkUnit } from '../explore/parallel.js';

// The worker threads of `check --workers N`: each builds the target once and runs the units of a
// parallel DPOR round as they come; the coordinator (explore/parallel.ts) stays in this thread.

/** Where a worker finds the target: a built-in scenario, or a model file. */
export type WorkerSource =
  | {
      readonly kind: 'scenario';
      readonly scenario: string;
      readonly variant: string;
      readonly config: [string, string][];
      readonly params: [string, string][];
    }
  | {
      readonly kind: 'model';
      readonly spec: string;
      readonly config: [string, string][];
      readonly params: [string, string][];
      readonly kernels: string[] | undefined;
      /** The target's header, to pick it among the file's targets. */
      readonly header: string;
    }
  /** A classic benchmark of src/benchmarks by name and size (for bench/). */
  | { readonly kind: 'benchmark'; readonly name: BenchmarkName; readonly args: number[] };

export interface WorkerInit {
  readonly source: WorkerSource;
  readonly mode: DporMode;
  readonly maxSteps: number;
  readonly livelockBound?: number;
}

/** The source of a scenario target: its name, variant and overrides. */
export function scenarioSource(t: Target): WorkerSource {
  return {
    kind: 'scenario',
    scenario: t.scenario.name,
    variant: t.variant,
    config: t.configOverrides.map(([k, v]) => [k, v]),
    params: t.paramOverrides.map(([k, v]) => [k, v]),
  };
}

/** A problem found by a worker, as data: a checker report's text instead of its function. */
export interface FoundData {
  readonly outcome: Record<string, unknown> & { readonly kind: string };
  readonly schedule: Schedule;
}

interface Reply {
  readonly id: number;
  readonly outcome?: Omit<UnitOutcome, 'found'> & { readonly found: FoundData | null };
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly hint: string };
}

/** N worker threads running units; `run` is the parallel search's round runner. */
export class UnitPool {
  private readonly workers: Worker[];
  private failed: Error | null = null;

  constructor(n: number, init: WorkerInit) {
    const script = new URL('./dpor-worker.js', import.meta.url);
    this.workers = Array.from({ length: n }, () => {
      const w = new Worker(script, { workerData: init });
      w.on('error', (e) => {
        this.failed = e;
      });
      return w;
    });
  }

  /** Runs a round's units, each on the next idle worker; results in the units' order. */
  readonly run: RoundRunner = (units: readonly WorkUnit[]) =>
    new Promise((resolve, reject) => {
      const out: UnitOutcome[] = new Array(units.length);
      let next = 0;
      let done = 0;
      let stopped = false;
      const fail = (e: Error): void => {
        if (stopped) return;
        stopped = true;
        for (const w of this.workers) w.removeAllListeners('message').removeAllListeners('exit');
        reject(e);
      };
      const give = (w: Worker): void => {
        if (next >= units.length) return;
        const id = next++;
        w.postMessage({ id, unit: units[id] });
      };
      for (const w of this.workers) {
        w.removeAllListeners('message').removeAllListeners('exit');
        w.on('exit', () =>
          fail(this.failed ?? new LockstepError('E_WORKER', 'a worker thread stopped', HINT)),
        );
        w.on('message', (r: Reply) => {
          if (r.error) {
            fail(new LockstepError(r.error.code, r.error.message, r.error.hint));
            return;
          }
          const o = r.outcome!;
          out[r.id] = { ...o, found: o.found ? counterexample(o.found) : null };
          done++;
          if (done === units.length) {
            stopped = true;
            resolve(out);
          } else give(w);
        });
      }
      if (this.failed) fail(this.failed);
      for (const w of this.workers) give(w);
    });

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const HINT = 'run the same check without --workers to see the error';

/** A worker's problem as the explorer gives it: a report's text becomes its `text()` again. */
function counterexample(f: FoundData): Counterexample {
  const o = f.outcome as { kind: string; report?: { text: string } };
  if (!o.report) return { outcome: o as Counterexample['outcome'], schedule: f.schedule };
  const text = o.report.text;
  return {
    outcome: { ...o, report: { ...o.report, text: () => text } } as Counterexample['outcome'],
    schedule: f.schedule,
  };
}
