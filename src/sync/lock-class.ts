import type { Actor, HeldLock } from '../core/actor.js';
import { type Cx, callSite, frameNames } from '../core/frames.js';
import type { SimObject } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import { deptEnabled } from './dept-wire.js';
import { lockdep_acquire, lockdep_downgrade, lockdep_release } from './lockdep-wire.js';

/**
 * A lockdep class: the key's printed name, its `#version` (the boot-order count of keys with the
 * same name; the kernel model fixes it per filesystem type), a subclass, and the wait types
 * `{outer:inner}` (kernel/locking/lockdep.c; reference/lockdep.md 1.1-1.2).
 */
export interface LockClass {
  readonly name: string;
  readonly version: number;
  readonly subclass: number;
  /** Wait types as printed on kernels without PROVE_RAW_LOCK_NESTING: 3 = sleeping lock, 0 = unchecked. */
  readonly wait: readonly [outer: number, inner: number];
}

/** Defines a lock class; version 1 prints no `#N`. */
export function lockClass(
  name: string,
  version = 1,
  wait: readonly [number, number] = [3, 3],
  subclass = 0,
): LockClass {
  return { name, version, subclass, wait };
}

/** The class name as lockdep prints it: `name#version/subclass`. */
export function className(c: LockClass): string {
  return `${c.name}${c.version > 1 ? `#${c.version}` : ''}${c.subclass ? `/${c.subclass}` : ''}`;
}

/** A lock instance: a simulated object with a lockdep class. */
export interface Lockable extends SimObject {
  readonly lockClass: LockClass;
}

/** Whether a simulated object is a lock (has a lockdep class). */
export function isLockable(o: SimObject): o is Lockable {
  return (o as Partial<Lockable>).lockClass !== undefined;
}

// Usage bits, in lockdep's order (lockdep_internals.h: LOCK_USED_IN_HARDIRQ...).
const USED_IN_HARDIRQ = 1;
const USED_IN_HARDIRQ_READ = 2;
const ENABLED_HARDIRQ = 4;
const ENABLED_HARDIRQ_READ = 8;
const USED_IN_SOFTIRQ = 16;
const USED_IN_SOFTIRQ_READ = 32;
const ENABLED_SOFTIRQ = 64;
const ENABLED_SOFTIRQ_READ = 128;

const usageSlot = defineSlot(() => new Map<LockClass, number>());

function markUsage(world: World, actor: Actor, cls: LockClass, read: boolean): void {
  const usage = world.slot(usageSlot);
  // Interrupt actors run in hardirq context; tasks and kthreads run with irqs and softirqs enabled.
  const bits =
    actor.kind === 'irq'
      ? read
        ? USED_IN_HARDIRQ_READ
        : USED_IN_HARDIRQ
      : read
        ? ENABLED_HARDIRQ_READ | ENABLED_SOFTIRQ_READ
        : ENABLED_HARDIRQ | ENABLED_SOFTIRQ;
  usage.set(cls, (usage.get(cls) ?? 0) | bits);
}

function usageChar(bits: number, usedIn: number, enabled: number): string {
  const u = (bits & usedIn) !== 0;
  const e = (bits & enabled) !== 0;
  return u && e ? '?' : u ? '-' : e ? '+' : '.';
}

/** lockdep's `{usage}` string: write then read, for hardirq then softirq (kernel/locking/lockdep.c: get_usage_chars). */
export function usageString(world: World, cls: LockClass): string {
  const b = world.slot(usageSlot).get(cls) ?? 0;
  return (
    usageChar(b, USED_IN_HARDIRQ, ENABLED_HARDIRQ) +
    usageChar(b, USED_IN_HARDIRQ_READ, ENABLED_HARDIRQ_READ) +
    usageChar(b, USED_IN_SOFTIRQ, ENABLED_SOFTIRQ) +
    usageChar(b, USED_IN_SOFTIRQ_READ, ENABLED_SOFTIRQ_READ)
  );
}

/** The fake instance address of a lock object: what lockdep prints and the validator keys on. */
export function instanceAddress(oid: number): bigint {
  return 0xffff888100000000n + BigInt(oid) * 0x40n;
}

/** The call stack, innermost first, at which each hold was taken (DEPT's [S] stacktrace). */
export const heldStacks = new WeakMap<HeldLock, readonly string[]>();

/** Context the lock primitives need: the actor and its world. */
export interface LockCx extends Cx {
  readonly world: World;
}

/**
 * lock_acquire: pushes the lock on the actor's held-lock stack, `at:` the calling model function,
 * and feeds the exploration's lockdep validator, if any (shared holds are non-recursive reads).
 */
export function lock_acquire(cx: LockCx, lock: Lockable, read: boolean, trylock = false): void {
  const hold = { lock, site: callSite(cx.actor), read };
  if (deptEnabled(cx.world)) heldStacks.set(hold, frameNames(cx.actor));
  cx.actor.held.push(hold);
  markUsage(cx.world, cx.actor, lock.lockClass, read);
  lockdep_acquire(cx.world, cx.actor, lock, { read: read ? 1 : 0, trylock });
}

/** lock_release: drops the most recent hold of `lock` from the actor's held-lock stack. */
export function lock_release(cx: LockCx, lock: Lockable): void {
  const held = cx.actor.held;
  for (let i = held.length - 1; i >= 0; i--) {
    if (held[i]!.lock === lock) {
      held.splice(i, 1);
      break;
    }
  }
  lockdep_release(cx.world, cx.actor, lock);
}

/** lock_downgrade: the most recent hold of `lock` becomes a read hold, keeping its `at:` site. */
export function lock_downgrade(cx: LockCx, lock: Lockable): void {
  const held = cx.actor.held;
  for (let i = held.length - 1; i >= 0; i--) {
    const h = held[i]!;
    if (h.lock === lock) {
      held[i] = { ...h, read: true };
      markUsage(cx.world, cx.actor, lock.lockClass, true);
      lockdep_downgrade(cx.world, cx.actor, lock);
      return;
    }
  }
}
