// The `lockstep-trace` document, version 1: one counterexample with everything the viewer draws.
// docs/trace-format.md describes it field by field; schema.ts is its JSON Schema.

import type { KernelSnapshot } from '../../kernel/inspect.js';

/** Version of the trace format; bumped on any incompatible change. */
export const TRACE_FORMAT_VERSION = 1;

/** An object by id and name. */
export interface TraceObject {
  readonly oid: number;
  readonly name: string;
}

/** An actor: one swimlane. */
export interface TraceActor {
  readonly id: number;
  /** `comm/pid`, or the comm of an interrupt context. */
  readonly label: string;
  readonly comm: string;
  readonly pid: number;
  readonly kind: 'task' | 'kthread' | 'irq';
  /** The letter the replay token and the interleaving listing use for it. */
  readonly letter: string;
}

/** One step of the interleaving. */
export interface TraceStep {
  readonly index: number;
  readonly actor: number;
  readonly alt: number;
  readonly label: string;
  /** Call frames, outermost first. */
  readonly frames: readonly string[];
  readonly note: string;
  readonly touches: readonly TraceObject[];
  readonly reads: readonly TraceObject[];
  /** Actors this step made runnable. */
  readonly wakes: readonly number[];
}

/** A lock held by an actor from step `from` (acquired in it; 0: before the first) to `to` (released in it; null: still held). */
export interface LockHold {
  readonly actor: number;
  readonly lock: string;
  readonly oid: number;
  readonly read: boolean;
  readonly site: string;
  readonly from: number;
  readonly to: number | null;
}

/** An actor blocked from step `from` to step `to` (the step that let it run; null: never). */
export interface BlockedInterval {
  readonly actor: number;
  readonly state: 'D' | 'S' | 'K' | 'R';
  readonly object: string;
  readonly oid: number;
  readonly until: string;
  readonly wokenBy: string;
  /** The innermost function it sleeps in. */
  readonly in: string | null;
  readonly from: number;
  readonly to: number | null;
  /** Part of the wait-for cycle of the verdict. */
  readonly cycle: boolean;
}

/** Something that happened in a step and crosses lanes or queues. */
export interface TraceEvent {
  readonly kind: 'wake' | 'task_work_add' | 'task_work_run' | 'bio_submit' | 'bio_complete' | 'cqe_post';
  readonly step: number;
  /** The actor that ran the step. */
  readonly actor: number;
  /** The actor it is for (woken, task_work owner), when another one. */
  readonly target: number | null;
  readonly what: string;
}

/** A bio from submission to completion (null: still in flight at the end). */
export interface BioInterval {
  readonly what: string;
  readonly device: string;
  readonly submitted: number;
  readonly by: number;
  readonly completed: number | null;
  /** The interrupt context that completes it. */
  readonly irq: number | null;
}

/** A wait-for edge at the end of the execution: `from` waits until `to` does `how` (null: nobody can). */
export interface WaitFor {
  readonly from: number;
  readonly to: number | null;
  readonly how: string;
  readonly cycle: boolean;
}

/** The lockdep dependency graph of the counterexample's run. */
export interface LockdepGraph {
  readonly classes: readonly string[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly kinds: string }[];
  /** The classes a lockdep verdict's report is about (for a circular dependency, its cycle), else empty. */
  readonly cycle: readonly string[];
}

/** The verdict with its plain-words explanation. */
export interface TraceVerdict {
  readonly kind: string;
  /** The report's verdict line (`deadlock: 1 task hung (...)`). */
  readonly line: string;
  readonly why: readonly string[];
  /** Actors left blocked (deadlock, livelock). */
  readonly blocked: readonly number[];
  /** The wait-for cycles, as actor ids. */
  readonly cycles: readonly (readonly number[])[];
  /** The lockdep or DEPT report text, the assertion message, or null. */
  readonly report: string | null;
  /** A livelock found by the livelock bound: the steps that repeat. Absent for every other verdict. */
  readonly cycle?: TraceCycle;
}

/** The repeating cycle of a livelock (`--livelock-bound`): which actors run which ops, on repeat. */
export interface TraceCycle {
  /** Steps without progress when the livelock was declared. */
  readonly window: number;
  /** Step number of the first step without progress. */
  readonly from: number;
  /** Step number from which the schedule repeats with `period` to its end. */
  readonly since: number;
  readonly period: number;
  /** False when nothing repeats in the window's last half: `steps` is then that half. */
  readonly periodic: boolean;
  /** The actors in the cycle, by label. */
  readonly actors: readonly string[];
  /** One turn: the execution's last `period` steps. */
  readonly steps: readonly {
    readonly index: number;
    readonly actor: number;
    readonly label: string;
    readonly alt: number;
    readonly op: string;
  }[];
}

/** A `lockstep-trace` document. */
export interface TraceDocument {
  readonly format: 'lockstep-trace';
  readonly version: 1;
  readonly target: {
    readonly scenario: string;
    readonly params: Readonly<Record<string, string | number>>;
    readonly variant: string;
    readonly config: Readonly<Record<string, string | number | boolean>>;
  };
  readonly token: string;
  readonly verdict: TraceVerdict;
  readonly actors: readonly TraceActor[];
  readonly steps: readonly TraceStep[];
  /** The world before the first step (index 0) and after each step (index i). */
  readonly states: readonly KernelSnapshot[];
  readonly locks: readonly LockHold[];
  readonly blocked: readonly BlockedInterval[];
  readonly events: readonly TraceEvent[];
  readonly bios: readonly BioInterval[];
  readonly waitFor: readonly WaitFor[];
  readonly lockdep: LockdepGraph | null;
}
