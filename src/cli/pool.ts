import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { threadId, Worker } from 'node:worker_threads';
import type { Target } from '../api/target.js';
import type { BenchmarkName } from '../benchmarks/index.js';
import { type ErrorCode, LockstepError } from '../core/errors.js';
import type { Schedule } from '../core/schedule.js';
import type { WorkUnit } from '../explore/coordinator.js';
import type { DporMode } from '../explore/dpor.js';
import { type BranchData, isKept, type Kept, type Unit, type UnitResult } from '../explore/dpor-data.js';
import type { Model } from '../explore/execute.js';
import { type Counterexample, drainAsync } from '../explore/explore.js';
import type { UnitRunner } from '../explore/parallel.js';
import { decodeBranches, decodeResult, encodeUnit } from '../explore/unit-codec.js';
import { type UnitOutcome, unitSteps } from '../explore/unit-run.js';

// The threads of `check --workers N`: this one, which coordinates (explore/parallel.ts,
// coordinator.ts) and runs units too, and N - 1 worker threads that each build the target once and
// run the units they are sent.

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
  /** The worker has loaded the target and takes units. */
  readonly ready?: true;
  /** Branches it kept, given up (`UnitPool.release`), with the token they were kept under. */
  readonly released?: { readonly token: number; readonly branches: Int32Array };
  readonly outcome?: Omit<UnitOutcome, 'found' | 'result'> & {
    readonly found: FoundData | null;
    readonly result: Int32Array;
  };
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly hint: string };
}

/** A unit waiting for a thread, or running on one, and how to give its outcome back. */
interface Job {
  readonly unit: WorkUnit;
  readonly done: (o: UnitOutcome) => void;
  readonly fail: (e: unknown) => void;
}

/**
 * The branches a thread keeps for the units that go on from them (`Kept`): a unit out of budget
 * hands the coordinator only the branches it takes over, and the unit that resumes the rest runs
 * on the same thread. On lastzero(15), a third of what crossed threads was such branches, sent to
 * the coordinator and back unchanged.
 */
export class KeptBranches {
  private readonly kept = new Map<number, readonly BranchData[]>();
  private next = 0;

  constructor(private readonly thread: number) {}

  /** The unit with the branches it resumes as data, taken from here when this thread keeps them. */
  take(u: Unit): Unit {
    const r = u.resume;
    if (r === undefined || !isKept(r)) return u;
    return { ...u, resume: this.release(r) };
  }

  /** Branches kept here, given up as data (to a unit, or to a stopped search's checkpoint). */
  release(k: Kept): readonly BranchData[] {
    const data = k.thread === this.thread ? this.kept.get(k.token) : undefined;
    if (data === undefined)
      throw new Error(`thread ${this.thread} does not keep branches ${k.thread}/${k.token}`);
    this.kept.delete(k.token);
    return data;
  }

  /** The result with the branches below its cut kept here. */
  keep(res: UnitResult): UnitResult {
    const below = res.below;
    if (below === null || isKept(below)) return res;
    const token = this.next++;
    this.kept.set(token, below);
    return { ...res, below: { thread: this.thread, token } };
  }
}

/**
 * The threads of a parallel search: this one, which also coordinates, and N - 1 worker threads;
 * each unit goes to the next idle one, except a unit that resumes branches a thread keeps, which
 * goes to that thread. This thread runs units a few executions at a time, so that a worker's
 * result is taken, and its next unit sent, without waiting for this thread's unit to end; and
 * while the workers start and load the target, this thread is already running units.
 */
export class UnitPool {
  private readonly workers: Worker[];
  /** Per worker, the jobs sent to it, in order (it runs the first). */
  private readonly running = new Map<Worker, Job[]>();
  private readonly byThread = new Map<number, Worker>();
  private readonly queue: Job[] = [];
  /** Units that resume branches this thread keeps. */
  private readonly mine: Job[] = [];
  private readonly kept = new KeptBranches(threadId);
  /** Workers that have loaded the target: only they are sent units. */
  private readonly takesUnits = new Set<Worker>();
  private readonly allLoaded: Promise<void>;
  private onAllLoaded: () => void = () => {};
  /** This thread is running queued units. */
  private local = false;
  private failed: unknown = null;
  private closed = false;
  /** This pool turned V8's parallel scavenges off (see the constructor); `close` turns them back on. */
  private scavengesOff = false;
  /** Branches asked of workers (`release`), by thread and token. */
  private readonly releasing = new Map<
    string,
    { readonly done: (b: readonly BranchData[]) => void; readonly fail: (e: unknown) => void }
  >();

  /**
   * `model` makes the target's model in this thread, a fresh one for each unit (see dpor-worker.ts);
   * `init` says how a worker makes its own.
   */
  constructor(
    threads: number,
    private readonly init: WorkerInit,
    private readonly model: () => Model,
  ) {
    // With a search thread on every core, V8's parallel scavenges (of every thread's young
    // generation) wait on helper threads that have no core to run on, and those helpers take CPU
    // from the search threads: each thread scavenges its own heap instead. lastzero(15) on 2
    // threads of 2 cores: V8's helper threads 2.8-2.9 -> 2.0-2.2 s of CPU. The flag is the
    // process's, read at each scavenge; node keeps V8's flags writable after start-up. A flag the
    // user gave node is left as it is.
    if (threads >= availableParallelism() && !USER_SCAVENGE_FLAG) {
      if (poolsWithScavengesOff++ === 0) setFlagsFromString('--no-parallel-scavenge');
      this.scavengesOff = true;
    }
    this.allLoaded = new Promise((done) => {
      this.onAllLoaded = done;
    });
    if (threads <= 1) this.onAllLoaded();
    const script = new URL('./dpor-worker.js', import.meta.url);
    this.workers = Array.from({ length: threads - 1 }, () => {
      const w = new Worker(script, { workerData: init });
      w.on('error', (e) => this.fail(e));
      w.on('exit', () => this.fail(new LockstepError('E_WORKER', 'a worker thread stopped', HINT)));
      w.on('message', (r: Reply) => this.reply(w, r));
      this.running.set(w, []);
      this.byThread.set(w.threadId, w);
      return w;
    });
  }

  /** Runs a unit on the next idle thread. */
  readonly run: UnitRunner = (unit: WorkUnit) =>
    new Promise((done, fail) => {
      if (this.failed !== null) {
        fail(this.failed);
        return;
      }
      const job = { unit, done, fail };
      const r = unit.resume;
      if (r === undefined || !isKept(r)) this.queue.push(job);
      else {
        // Its branches are kept where the unit before it ran: it runs there.
        const w = this.byThread.get(r.thread);
        if (w) this.send(w, job);
        else this.mine.push(job);
      }
      this.dispatch();
    });

  /** Resolves once every worker has loaded the target (a search may start before). */
  loaded(): Promise<void> {
    return this.allLoaded;
  }

  /**
   * Hands queued units to idle threads: this one first (it is warm, the workers may be starting).
   * This thread, slowed by coordinating, takes the unit handed out last, whose result is applied
   * last; the workers take them in order. A worker still loading the target gets none: results
   * are applied in order, and a unit waiting in a loading worker held back every later one (on
   * readers-writers(5,2), a 0.06 s search took 0.2 s on 2 threads).
   */
  private dispatch(): void {
    if ((this.mine.length > 0 || this.queue.length > 0) && !this.local) {
      this.local = true;
      const job = this.mine.shift() ?? this.nextLocal()!;
      setImmediate(() => void this.runLocal(job));
    }
    // A worker gets its next unit before it ends the one it runs, so that it does not wait for this
    // thread (busy with a unit of its own) to send one.
    for (let depth = 1; depth <= PREFETCH; depth++) {
      for (const w of this.workers) {
        if (this.queue.length === 0) return;
        if (!this.takesUnits.has(w)) continue;
        const jobs = this.running.get(w)!;
        if (jobs.length >= depth) continue;
        this.send(w, this.queue.shift()!);
      }
    }
  }

  /** The queued unit this thread runs next: the last, or the first while no worker takes units. */
  private nextLocal(): Job | undefined {
    return this.takesUnits.size > 0 ? this.queue.pop() : this.queue.shift();
  }

  private send(w: Worker, job: Job): void {
    this.running.get(w)!.push(job);
    const unit = encodeUnit(job.unit);
    w.postMessage({ unit }, [unit.buffer]);
  }

  /** Branches a thread keeps, as data: from this thread's store, or asked of the worker. */
  readonly release = (k: Kept): Promise<readonly BranchData[]> => {
    if (k.thread === threadId) return Promise.resolve(this.kept.release(k));
    const w = this.byThread.get(k.thread);
    if (!w) return Promise.reject(new Error(`no thread ${k.thread} keeps branches`));
    if (this.failed !== null) return Promise.reject(this.failed);
    return new Promise((done, fail) => {
      this.releasing.set(`${k.thread}/${k.token}`, { done, fail });
      w.postMessage({ release: k.token });
    });
  };

  private reply(w: Worker, r: Reply): void {
    if (r.ready) {
      this.takesUnits.add(w);
      if (this.takesUnits.size === this.workers.length) this.onAllLoaded();
      this.dispatch();
      return;
    }
    if (r.released) {
      const key = `${w.threadId}/${r.released.token}`;
      this.releasing.get(key)?.done(decodeBranches(r.released.branches));
      this.releasing.delete(key);
      return;
    }
    const job = this.running.get(w)?.shift();
    if (!job) return;
    if (r.error) {
      const e = new LockstepError(r.error.code, r.error.message, r.error.hint);
      this.fail(e);
      job.fail(e);
      return;
    }
    this.dispatch();
    const o = r.outcome!;
    job.done({ ...o, result: decodeResult(o.result), found: o.found ? counterexample(o.found) : null });
  }

  /** Runs `first`, then queued units (`nextLocal`), in this thread until none is left, yielding every few executions. */
  private async runLocal(first: Job): Promise<void> {
    for (let job: Job | undefined = first; job; job = this.mine.shift() ?? this.nextLocal()) {
      if (this.closed) return;
      if (this.failed !== null) {
        job.fail(this.failed);
        continue;
      }
      try {
        const g = unitSteps(this.model(), this.init.mode, this.kept.take(job.unit), limitsOf(this.init));
        const o = await drainAsync(g, () => this.closed);
        if (o === null) return;
        job.done({ ...o, result: this.kept.keep(o.result) });
      } catch (e) {
        job.fail(e);
      }
    }
    this.local = false;
  }

  /** A failed worker fails every unit running or waiting, and every later one. */
  private fail(e: unknown): void {
    if (this.failed !== null || this.closed) return;
    this.failed = e;
    const waiting = [...this.queue.splice(0), ...this.mine.splice(0)];
    for (const job of [...[...this.running.values()].flat(), ...waiting]) job.fail(e);
    for (const jobs of this.running.values()) jobs.length = 0;
    for (const r of this.releasing.values()) r.fail(e);
    this.releasing.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.scavengesOff) {
      this.scavengesOff = false;
      // The last open pool that turned them off gives the process its parallel scavenges back.
      if (--poolsWithScavengesOff === 0) setFlagsFromString('--parallel-scavenge');
    }
    this.queue.length = 0;
    this.mine.length = 0;
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

/** Open pools that turned V8's parallel scavenges off. */
let poolsWithScavengesOff = 0;

/** Node was started with a parallel-scavenge flag of the user's (in its arguments or NODE_OPTIONS). */
const USER_SCAVENGE_FLAG = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
  /parallel[-_]scavenge/.test(a),
);

/** Units a worker holds at most: the one it runs and the next. */
const PREFETCH = 2;

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
