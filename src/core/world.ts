import { Actor, type ActorKind } from './actor.js';
import type { Op, Program } from './op.js';
import { type Choice, choiceOf } from './schedule.js';

/** A typed per-world store for state a layer above core keeps beside the actors (lock usage...). */
export interface Slot<T> {
  readonly init: () => T;
}

/** Declares a slot; its value is created lazily, once per world. */
export function defineSlot<T>(init: () => T): Slot<T> {
  return { init };
}

/** An object a step touched or read, by id and name. */
export interface ObjectRef {
  readonly oid: number;
  readonly name: string;
}

/** One step as the trace records it. */
export interface StepRecord {
  /** 1-based step number. */
  readonly index: number;
  readonly actor: number;
  readonly alt: number;
  readonly label: string;
  /** Call frames when the op ran, outermost first. */
  readonly frames: readonly string[];
  readonly note: string;
  /** Actors that were blocked or idle before this step and can run after it. */
  readonly wakes: readonly number[];
  /** Objects the step wrote. */
  readonly touches: readonly ObjectRef[];
  /** Objects the step only read. */
  readonly reads: readonly ObjectRef[];
}

/**
 * Called on an inspecting world once before its first step (with 0) and after every step (with
 * the step's number), so a layer above can take snapshots of its own state for the viewer.
 */
export type StepObserver = (step: number) => void;

const ref = (o: ObjectRef): ObjectRef => ({ oid: o.oid, name: o.name });

/**
 * All shared objects and actors of one execution. The world is deterministic: the same build and
 * the same choices always give the same steps. Nothing here knows about Linux.
 */
export class World {
  readonly actors: Actor[] = [];
  /** Steps run so far in this execution. */
  steps = 0;
  /** The recorded steps, when recording is on (replay and reports); null in fast exploration. */
  readonly trace: StepRecord[] | null;
  private nextOid = 1;
  private readonly slots = new Map<Slot<unknown>, unknown>();
  private readonly observers: StepObserver[] = [];
  /** What `choices` returned last. */
  private lastChoices: readonly Choice[] = [];

  /** Whether observers run: a recording for a viewer, not every recorded execution (tests record many). */
  private readonly inspecting: boolean;

  /** `record` keeps the trace; `inspect` also runs the step observers (and implies `record`). */
  constructor(options: { readonly record?: boolean; readonly inspect?: boolean } = {}) {
    this.trace = options.record || options.inspect ? [] : null;
    this.inspecting = options.inspect ?? false;
  }

  /** A fresh object id, in creation order. */
  oid(): number {
    return this.nextOid++;
  }

  /** The world's value of a slot. */
  slot<T>(s: Slot<T>): T {
    let v = this.slots.get(s as Slot<unknown>);
    if (v === undefined) {
      v = s.init();
      this.slots.set(s as Slot<unknown>, v);
    }
    return v as T;
  }

  /**
   * Registers an observer of an inspecting world; any other world ignores it, so exploration pays
   * nothing for snapshots.
   */
  observe(observer: StepObserver): void {
    if (this.inspecting) this.observers.push(observer);
  }

  /**
   * Creates an actor and runs its program up to its first op. Pass a generator function declared
   * once (`(actor) => thread(actor, objects)`), not a `function* () {...}` written inside the
   * model's build: V8 gives each new generator closure its own prototype and hidden class on first
   * call, in old space, and they keep the whole world alive through minor collections (the indexer
   * benchmark ran 3x slower that way).
   */
  spawn(kind: ActorKind, comm: string, pid: number, program: (actor: Actor) => Program): Actor {
    const actor = new Actor(this.actors.length, kind, comm, pid);
    this.actors.push(actor);
    actor.start(program(actor));
    return actor;
  }

  /**
   * Every choice that can be taken now: runnable actors by id, each with its alternatives. The
   * array is shared and never changed: while the runnable set stays the same, the same array is
   * returned again (most steps leave it unchanged, and exploration asks after every step).
   */
  choices(): readonly Choice[] {
    const prev = this.lastChoices;
    let out: Choice[] | null = null;
    let k = 0;
    for (const a of this.actors) {
      const op = a.pending;
      if (op === null || !op.enabled()) continue;
      const n = op.alternatives ?? 1;
      for (let alt = 0; alt < n; alt++, k++) {
        if (out === null) {
          const p = prev[k];
          if (p !== undefined && p.actor === a.id && p.alt === alt) continue;
          out = prev.slice(0, k);
        }
        out.push(choiceOf(a.id, alt));
      }
    }
    if (out === null) {
      if (k === prev.length) return prev;
      out = prev.slice(0, k);
    }
    this.lastChoices = out;
    return out;
  }

  /** Runs one step; `c` must be one of `choices()`. */
  take(c: Choice): Op {
    const actor = this.actors[c.actor]!;
    this.steps++;
    if (this.trace === null) return actor.step(c.alt);
    if (this.trace.length === 0) for (const o of this.observers) o(0);
    const frames = actor.frames.map((f) => f.name);
    const waiting = this.actors.filter((a) => a !== actor && a.pending !== null && !a.pending.enabled());
    const op = actor.step(c.alt);
    const wakes = waiting.filter((a) => a.pending?.enabled()).map((a) => a.id);
    this.trace.push({
      index: this.steps,
      actor: actor.id,
      alt: c.alt,
      label: op.label,
      frames,
      note: op.note?.() ?? '',
      wakes,
      touches: op.touches.map(ref),
      reads: (op.reads ?? []).map(ref),
    });
    for (const o of this.observers) o(this.steps);
    return op;
  }

  /** Actors blocked on a wait that is not an idle kernel thread's wait for work. */
  blocked(): Actor[] {
    return this.actors.filter((a) => a.status() === 'blocked');
  }
}
