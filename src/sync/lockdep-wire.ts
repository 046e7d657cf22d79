// Wires the simulated primitives to a lockdep Validator (kernel/locking/lockdep.c: lock_acquire,
// lock_release, lockdep_sys_exit). The validator lives across all executions of one exploration, like
// lockdep across a boot; each execution (World) only maps its actors to lockdep tasks.

import type { Actor } from '../core/actor.js';
import { frameNames } from '../core/frames.js';
import type { Op } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import type { LockClassKey, LockMap } from '../lockdep/class.js';
import { lockKey, lockMap } from '../lockdep/class.js';
import type { KernelIdent } from '../lockdep/format.js';
import { type ReadMode, Task } from '../lockdep/held.js';
import type { LockdepReport } from '../lockdep/report.js';
import { Validator } from '../lockdep/validator.js';
import { className, instanceAddress, type LockClass } from './lock-class.js';

/** A lock instance as lockdep sees it: an object id (stable across executions) and its class. */
export interface LockRef {
  readonly oid: number;
  readonly lockClass: LockClass;
}

/**
 * One exploration's lockdep: the validator and one map per lock instance. A lock is the same
 * instance in every execution when it has the same object id and class (worlds are built
 * deterministically), so the graph accumulates across executions.
 */
export class LockdepSession {
  readonly validator: Validator;
  private readonly keys = new Map<string, LockClassKey>();
  private readonly maps = new Map<string, LockMap>();

  constructor(ident: Partial<KernelIdent> = {}) {
    // 6.6 predates PROVE_RAW_LOCK_NESTING by default: sleeping locks print {3:3}.
    this.validator = new Validator({ ident, rawLockNesting: false });
  }

  /** The lockdep map of a lock instance; one class key per printed class name. */
  map(lock: LockRef): LockMap {
    const cls = lock.lockClass;
    const name = className(cls);
    const id = `${lock.oid}|${name}`;
    let map = this.maps.get(id);
    if (map) return map;
    const keyName = `${cls.name}#${cls.version}`;
    let key = this.keys.get(keyName);
    if (!key) this.keys.set(keyName, (key = lockKey(keyName)));
    map = lockMap(cls.name, {
      key,
      subclass: cls.subclass,
      version: cls.version,
      wait: { outer: cls.wait[0], inner: cls.wait[1] },
      address: instanceAddress(lock.oid),
    });
    this.maps.set(id, map);
    return map;
  }
}

interface WorldLockdep {
  session: LockdepSession | null;
  readonly tasks: Map<Actor, Task>;
  /** Reports the session had when this execution started. */
  before: number;
}

const lockdepSlot = defineSlot<WorldLockdep>(() => ({ session: null, tasks: new Map(), before: 0 }));

/** Feeds this world's lock operations to `session` (CONFIG_LOCKDEP on). */
export function attachLockdep(world: World, session: LockdepSession): void {
  const s = world.slot(lockdepSlot);
  s.session = session;
  s.before = session.validator.reports().length;
}

/** The first lockdep report this execution produced, if any. */
export function lockdepReport(world: World): LockdepReport | null {
  const s = world.slot(lockdepSlot);
  return s.session?.validator.reportAt(s.before) ?? null;
}

/** The validator this world feeds, or null when CONFIG_LOCKDEP is off (for the graph in reports). */
export function lockdepValidator(world: World): Validator | null {
  return world.slot(lockdepSlot).session?.validator ?? null;
}

/** The lockdep task of an actor; interrupt actors run in hardirq context. */
function taskOf(s: WorldLockdep, v: Validator, actor: Actor): Task {
  let t = s.tasks.get(actor);
  if (!t) {
    t = new Task(actor.comm, actor.pid);
    if (actor.kind === 'irq') v.hardirqEnter(t, { site: actor.comm });
    s.tasks.set(actor, t);
  }
  return t;
}

/** How a lock is acquired, beyond exclusive/shared. */
export interface LockdepAcquire {
  readonly read?: ReadMode;
  readonly trylock?: boolean;
  readonly crosslock?: boolean;
  /** lock_sync(): validated, never held. */
  readonly sync?: boolean;
  /** Frames to skip for the `at:` site (`_RET_IP_` of an out-of-line helper is its caller). */
  readonly callerDepth?: number;
}

/** lock_acquire on `actor`'s lockdep task, with its frames as the stack. No-op without a session. */
export function lockdep_acquire(world: World, actor: Actor, lock: LockRef, o: LockdepAcquire = {}): void {
  const s = world.slot(lockdepSlot);
  if (!s.session) return;
  const v = s.session.validator;
  const frames = frameNames(actor);
  const site = frames[o.callerDepth ?? 0] ?? '(none)';
  v.acquire(taskOf(s, v, actor), s.session.map(lock), {
    read: o.read ?? 0,
    trylock: o.trylock ?? false,
    crosslock: o.crosslock ?? false,
    sync: o.sync ?? false,
    site,
    frames,
  });
}

/** lock_release from `actor`, of the hold `owner` took (the same task unless a crosslock). */
export function lockdep_release(world: World, actor: Actor, lock: LockRef, owner: Actor = actor): void {
  const s = world.slot(lockdepSlot);
  if (!s.session) return;
  const v = s.session.validator;
  v.release(taskOf(s, v, owner), s.session.map(lock), { frames: frameNames(actor) });
}

/** lock_downgrade. */
export function lockdep_downgrade(world: World, actor: Actor, lock: LockRef): void {
  const s = world.slot(lockdepSlot);
  if (!s.session) return;
  const v = s.session.validator;
  v.downgrade(taskOf(s, v, actor), s.session.map(lock), { frames: frameNames(actor) });
}

/** lockdep_sys_exit: `actor` returns to user space. */
export function lockdep_sys_exit(world: World, actor: Actor): void {
  const s = world.slot(lockdepSlot);
  if (!s.session) return;
  const v = s.session.validator;
  v.returnToUser(taskOf(s, v, actor));
}

/** The op with `effect` run right after its own, inside the same atomic step. */
export function withEffectAfter<R>(op: Op<R>, effect: () => void): Op<R> {
  return {
    ...op,
    perform: (alt) => {
      const r = op.perform(alt);
      effect();
      return r;
    },
  };
}

/** The op with `effect` run right before its own, inside the same atomic step. */
export function withEffectBefore<R>(op: Op<R>, effect: () => void): Op<R> {
  return {
    ...op,
    perform: (alt) => {
      effect();
      return op.perform(alt);
    },
  };
}
