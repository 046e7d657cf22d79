import type { Actor } from '../core/actor.js';
import type { Op, Program, SimObject, WaitInfo } from '../core/op.js';
import type { World } from '../core/world.js';
import { elementNames } from './memory.js';

/** A plain mutex (`pthread_mutex_t`) of the benchmark programs: no lockdep, no wait list. */
export class Mutex implements SimObject {
  owner: Actor | null = null;
  private one: readonly Mutex[] | null = null;
  private waiting: WaitInfo | null = null;
  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}

  /** `[this]`, made once: the footprint of every step on this mutex. */
  get alone(): readonly Mutex[] {
    if (this.one === null) this.one = [this];
    return this.one;
  }

  /** What a task blocked on this mutex waits for, made once. */
  get wait(): WaitInfo {
    if (this.waiting === null)
      this.waiting = { state: 'D', object: this, until: `${this.name} free`, wokenBy: '', sleepFrames: [] };
    return this.waiting;
  }
}

/** `lock(m)`: blocks until `m` is free, then takes it; a class so that no step makes closures. */
class LockOp implements Op<void> {
  readonly touches: readonly SimObject[];
  readonly wait: WaitInfo;
  constructor(
    private readonly actor: Actor,
    private readonly m: Mutex,
  ) {
    this.touches = m.alone;
    this.wait = m.wait;
  }

  get label(): string {
    return `lock(${this.m.name})`;
  }

  enabled(): boolean {
    return this.m.owner === null;
  }

  perform(): void {
    this.m.owner = this.actor;
  }
}

/** `unlock(m)`: always enabled. */
class UnlockOp implements Op<void> {
  readonly touches: readonly SimObject[];
  constructor(
    private readonly actor: Actor,
    private readonly m: Mutex,
  ) {
    this.touches = m.alone;
  }

  get label(): string {
    return `unlock(${this.m.name})`;
  }

  enabled(): boolean {
    return true;
  }

  perform(): void {
    const m = this.m;
    if (m.owner !== this.actor)
      throw new Error(`${this.actor.label} unlocks ${m.name}, which it does not hold`);
    m.owner = null;
  }
}

/** `pthread_mutex_lock(m)`: blocks until `m` is free, then takes it. Writes `m`. */
export function* mutex_lock(actor: Actor, m: Mutex): Program<void> {
  yield new LockOp(actor, m);
}

/** `pthread_mutex_unlock(m)`. Writes `m`. */
export function* mutex_unlock(actor: Actor, m: Mutex): Program<void> {
  yield new UnlockOp(actor, m);
}

/** The op of `mutex_lock`, to yield directly in a hot loop. */
export function lockOp(actor: Actor, m: Mutex): Op<void> {
  return new LockOp(actor, m);
}

/** The op of `mutex_unlock`, to yield directly in a hot loop. */
export function unlockOp(actor: Actor, m: Mutex): Op<void> {
  return new UnlockOp(actor, m);
}

/** `n` mutexes named `name[0]`..`name[n-1]`, with deterministic ids. */
export function mutexes(world: World, name: string, n: number): Mutex[] {
  const names = elementNames(name, n);
  const out: Mutex[] = [];
  for (let i = 0; i < n; i++) out.push(new Mutex(world.oid(), names[i]!));
  return out;
}
