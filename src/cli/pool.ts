import { Worker } from 'node:worker_threads';
import type { Target } from '../api/target.js';
import type { BenchmarkName } from '../benchmarks/index.js';
import { type ErrorCode, LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import type { DporMode } from '../explore/dpor.js';
import type { Model } from '../explore/execute.js';
import type { Counterexample } from '../explore/explore.js';
import { type RoundRunner, type UnitOutcome, unitSteps, type WorkUnit } from '../explore/parallel.js';
import { decodeResult, encodeUnit } from '../explore/unit-codec.js';

// The threads of `check --workers N`: this one, which coordinates (explore/parallel.ts) and runs units
// too, and N - 1 worker threads that each build the target once and run the units they are sent.

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
  readonly outcome?: Omit<UnitOutcome, 'found' | 'result'> & {
    readonly found: FoundData | null;
    readonly result: Int32Array;
  };
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly hint: string };
}

/**
 * The threads of a parallel search: this one, which also coordinates, and N - 1 worker threads.
 * This thread runs units a few executions at a time, so that a worker's result is taken and its
 * next unit sent without waiting for this thread's unit to end; and while the workers start and
 * load the target, this thread is already running the first round.
 */
export class UnitPool {
  private readonly workers: Worker[];
  private failed: Error | null = null;

  /** `model` is the target's, built in this thread; `init` says how a worker builds its own. */
  constructor(
    threads: number,
    private readonly init: WorkerInit,
    private readonly model: Model,
  ) {
    const script = new URL('./dpor-worker.js', import.meta.url);
    this.workers = Array.from({ length: threads - 1 }, () => {
      const w = new Worker(script, { workerData: init });
      w.on('error', (e) => {
        this.failed = e;
      });
      return w;
    });
  }

  /** Runs a round's units, each on the next idle thread; results in the units' order. */
  readonly run: RoundRunner = (units: readonly WorkUnit[]) =>
    new Promise((resolve, reject) => {
      const out: UnitOutcome[] = new Array(units.length);
      let next = 0;
      let done = 0;
      let stopped = false;
      const fail = (e: unknown): void => {
        if (stopped) return;
        stopped = true;
        for (const w of this.workers) w.removeAllListeners('message').removeAllListeners('exit');
        reject(e);
      };
      const finish = (id: number, o: UnitOutcome): void => {
        out[id] = o;
        if (++done === units.length && !stopped) {
          stopped = true;
          resolve(out);
        }
      };
      const give = (w: Worker): void => {
        if (next >= units.length || stopped) return;
        const id = next++;
        const unit = encodeUnit(units[id]!);
        w.postMessage({ id, unit }, [unit.buffer]);
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
          give(w);
          const result = decodeResult(o.result);
          finish(r.id, { ...o, result, found: o.found ? counterexample(o.found) : null });
        });
      }
      if (this.failed) fail(this.failed);
      // This thread takes the first unit: the workers may still be starting.
      const local = async (): Promise<void> => {
        while (next < units.length && !stopped) {
          const id = next++;
          const g = unitSteps(this.model, this.init.mode, units[id]!, limitsOf(this.init));
          for (let r = g.next(); ; r = g.next()) {
            if (r.done) {
              finish(id, r.value);
              break;
            }
            await new Promise((go) => setImmediate(go));
            if (stopped) return;
          }
        }
      };
      const running = local();
      for (const w of this.workers) give(w);
      running.catch(fail);
    });

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The bounds a unit runs under. */
export function limitsOf(init: WorkerInit): { maxSteps: number; livelockBound?: number } {
  return {
    maxSteps: init.maxSteps,
    ...(init.livelockBound === undefined ? {} : { livelockBound: init.livelockBound }),
  };
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
