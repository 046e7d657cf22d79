// Lock keys, lock maps and lock classes (include/linux/lockdep_types.h, kernel/locking/lockdep.c:
// register_lock_class, count_matching_names, __print_lock_name). reference/lockdep.md 1.1-1.2.

import type { LockEdge } from './graph.js';

/** lockdep wait types with PROVE_RAW_LOCK_NESTING=y (lockdep_types.h: enum lockdep_wait_type). */
export const LD_WAIT = { INV: 0, FREE: 1, SPIN: 2, CONFIG: 3, SLEEP: 4, MAX: 5 } as const;

/** MAX_LOCKDEP_SUBCLASSES: subclasses 0..7 are valid. */
export const MAX_LOCKDEP_SUBCLASSES = 8;

/** Wait types `{outer:inner}`; outer 0 prints as inner (lockdep.c: print_lock_name). */
export interface WaitTypes {
  readonly outer: number;
  readonly inner: number;
}

/** lock_type: normal, LD_LOCK_PERCPU (local_lock) or LD_LOCK_WAIT_OVERRIDE. */
export type LockType = 'normal' | 'percpu' | 'wait-override';

/** Primitives with a known wait-type annotation (reference/lockdep.md 1.2 table). */
export type Primitive =
  | 'raw_spinlock'
  | 'spinlock'
  | 'rwlock'
  | 'mutex'
  | 'rwsem'
  | 'local_lock'
  | 'rcu'
  | 'rcu_bh'
  | 'rcu_sched'
  | 'lock_map';

const PRIMITIVE_WAIT: Readonly<Record<Primitive, WaitTypes>> = {
  raw_spinlock: { outer: 2, inner: 2 },
  spinlock: { outer: 3, inner: 3 },
  rwlock: { outer: 3, inner: 3 },
  mutex: { outer: 4, inner: 4 },
  rwsem: { outer: 4, inner: 4 },
  local_lock: { outer: 3, inner: 3 },
  rcu: { outer: 1, inner: 3 },
  rcu_bh: { outer: 1, inner: 3 },
  rcu_sched: { outer: 1, inner: 2 },
  lock_map: { outer: 0, inner: 0 },
};

/**
 * The wait types of a primitive. Without PROVE_RAW_LOCK_NESTING (before v6.13) CONFIG aliases SPIN and
 * SLEEP becomes 3, so mutexes print `-{3:3}` and spinlocks `-{2:2}`.
 */
export function primitiveWait(p: Primitive, rawLockNesting = true): WaitTypes {
  const w = PRIMITIVE_WAIT[p];
  return rawLockNesting ? w : { outer: squashWait(w.outer), inner: squashWait(w.inner) };
}

/** Maps a PROVE_RAW_LOCK_NESTING=y wait value to its =n value. */
export function squashWait(w: number): number {
  return w >= LD_WAIT.CONFIG ? w - 1 : w;
}

/** A `struct lock_class_key`: one per init call site; identity is the object itself. */
export interface LockClassKey {
  readonly kind: 'key';
  /** The key's symbol, printed in `... key      at:` lines and for nameless maps. */
  readonly symbol: string;
}

/** Creates a lock class key (one per `spin_lock_init`/`mutex_init` call site, or a registered key). */
export function lockKey(symbol: string): LockClassKey {
  return { kind: 'key', symbol };
}

/** How lockdep treats a map: fully validated, `lockdep_set_novalidate_class`, or `__lockdep_no_track__`. */
export type Validation = 'full' | 'novalidate' | 'notrack';

/** A `struct lockdep_map`: one lock instance's link to its class. */
export interface LockMap {
  readonly kind: 'map';
  /** The name the class gets (stringified init expression, e.g. `&sb->s_type->i_mutex_key`). */
  readonly name: string;
  /** The class key; `undefined` for a static lock, whose own address is the key. */
  readonly key: LockClassKey | undefined;
  /** Default subclass for acquisitions that pass none. */
  readonly subclass: number;
  readonly wait: WaitTypes;
  readonly lockType: LockType;
  readonly validation: Validation;
  /** A fixed `#version` (a model that pins boot-order versions); default: counted at registration. */
  readonly version: number | undefined;
  /** A fixed fake instance address; default: assigned in order of first sight. */
  readonly address: bigint | undefined;
}

/** Options of {@link lockMap}. */
export interface LockMapInit {
  readonly key?: LockClassKey;
  readonly subclass?: number;
  /** Wait types, or a primitive whose wait types apply. Default: unchecked `{0:0}`. */
  readonly wait?: WaitTypes | Primitive;
  readonly lockType?: LockType;
  readonly validation?: Validation;
  readonly version?: number;
  readonly address?: bigint;
}

/** Creates a lock map (`lockdep_init_map_type`); without a key the lock is static and keys itself. */
export function lockMap(name: string, init: LockMapInit = {}): LockMap {
  const w = init.wait ?? 'lock_map';
  return {
    kind: 'map',
    name,
    key: init.key,
    subclass: init.subclass ?? 0,
    wait: typeof w === 'string' ? primitiveWait(w) : w,
    lockType: init.lockType ?? 'normal',
    validation: init.validation ?? 'full',
    version: init.version,
    address: init.address,
  };
}

/** A stack trace: function names (with optional `+off/len`), innermost first, as the kernel prints. */
export type Trace = readonly string[];

/** A registered lock class: key + subclass, with its usage bits and dependency lists. */
export interface LockClass {
  /** Registration index (the kernel's class_idx); determines nothing printed. */
  readonly idx: number;
  readonly key: LockClassKey | LockMap;
  readonly name: string;
  readonly version: number;
  readonly subclass: number;
  readonly waitOuter: number;
  readonly waitInner: number;
  readonly lockType: LockType;
  /** Usage bits (see usage.ts). */
  usageMask: number;
  /** The stack at which each usage bit was first set. */
  readonly usageTraces: (Trace | undefined)[];
  /** Forward dependencies (`locks_after`), in insertion order. */
  readonly after: LockEdge[];
  /** Backward dependencies (`locks_before`), in insertion order. */
  readonly before: LockEdge[];
}

/** The class name as lockdep prints it: `name`, `#version` if > 1, `/subclass` if nonzero. */
export function className(c: LockClass): string {
  return `${c.name}${c.version > 1 ? `#${c.version}` : ''}${c.subclass ? `/${c.subclass}` : ''}`;
}

/** The printed outer wait type: `outer ?: inner`. */
export function waitPair(c: LockClass): string {
  return `{${c.waitOuter || c.waitInner}:${c.waitInner}}`;
}

/** All classes of one validator, in registration order, plus the fake addresses of maps and keys. */
export class ClassRegistry {
  /** Every class, in registration order (the kernel's all_lock_classes). */
  readonly all: LockClass[] = [];
  private readonly byKey = new Map<LockClassKey | LockMap, (LockClass | undefined)[]>();
  private readonly mapIds = new Map<LockMap, number>();
  private readonly keyIds = new Map<LockClassKey | LockMap, number>();

  /** The class for (key, subclass) if registered. */
  lookup(map: LockMap, subclass: number): LockClass | undefined {
    return this.byKey.get(map.key ?? map)?.[subclass];
  }

  /** register_lock_class: creates the class; the caller has checked capacity and subclass. */
  register(map: LockMap, subclass: number): LockClass {
    const key = map.key ?? map;
    const cls: LockClass = {
      idx: this.all.length,
      key,
      name: map.name,
      version: map.version ?? this.nameVersion(key, map.name),
      subclass,
      waitOuter: map.wait.outer,
      waitInner: map.wait.inner,
      lockType: map.lockType,
      usageMask: 0,
      usageTraces: [],
      after: [],
      before: [],
    };
    this.all.push(cls);
    let slots = this.byKey.get(key);
    if (!slots) this.byKey.set(key, (slots = []));
    slots[subclass] = cls;
    return cls;
  }

  /** count_matching_names: subclasses reuse their key's base version, else 1 + highest same-name version. */
  private nameVersion(key: LockClassKey | LockMap, name: string): number {
    let count = 0;
    for (const c of this.all) {
      if (c.key === key && c.subclass === 0) return c.version;
      if (c.name === name) count = Math.max(count, c.version);
    }
    return count + 1;
  }

  /** A stable fake instance address for a map, in order of first sight (`ffff8881000000c0`). */
  mapAddress(map: LockMap): bigint {
    if (map.address !== undefined) return map.address;
    let id = this.mapIds.get(map);
    if (id === undefined) this.mapIds.set(map, (id = this.mapIds.size + 1));
    return 0xffff888100000000n + BigInt(id) * 0x40n;
  }

  /** A stable fake address for a class key, in `.data` (`ffffffff92000020`). */
  keyAddress(key: LockClassKey | LockMap): bigint {
    // A static lock is its own key: the key address is the lock's address.
    if (key.kind === 'map') return this.mapAddress(key);
    let id = this.keyIds.get(key);
    if (id === undefined) this.keyIds.set(key, (id = this.keyIds.size + 1));
    return 0xffffffff92000000n + BigInt(id) * 0x20n;
  }
}
