// The lockdep validator: lock_acquire / lock_release / irq-state hooks over plain lock maps and tasks
// (kernel/locking/lockdep.c: __lock_acquire, __lock_release, find_held_lock, reacquire_held_locks,
// lockdep_hardirqs_on/off, lockdep_softirqs_on/off, lockdep_sys_exit, debug_check_no_locks_freed).

import { ChainCache, hlockId, INITIAL_CHAIN_KEY, iterateChainKey } from './chain.js';
import {
  ClassRegistry,
  className,
  LD_WAIT,
  type LockMap,
  MAX_LOCKDEP_SUBCLASSES,
  type Trace,
} from './class.js';
import { type Core, DEFAULT_LIMITS, type Limits, type WaitContexts } from './core.js';
import { checkWaitContext, validateChain } from './deps.js';
import { DEFAULT_IDENT, type KernelIdent, Printer } from './format.js';
import { depNames, type GraphStats } from './graph.js';
import { type HeldLock, MAX_LOCK_DEPTH, type ReadMode, Task } from './held.js';
import { markHeldLocks, markUsage } from './irq.js';
import {
  badUnlockReport,
  heldAtReturnReport,
  heldFreedReport,
  type LockdepReport,
  lockdepOffReport,
  maxDepthReport,
  nestNotHeldReport,
} from './report.js';
import { LOCK } from './usage.js';

/** Options of a {@link Validator}. */
export interface ValidatorOptions {
  /** Keep validating after a report and collect every distinct report (the kernel stops at the first). */
  readonly keepGoing?: boolean;
  /** Kernel identity for report text. */
  readonly ident?: Partial<KernelIdent>;
  /** PROVE_RAW_LOCK_NESTING (default true): the numbering of wait contexts. */
  readonly rawLockNesting?: boolean;
  /** Capacity limits; defaults are the kernel's. */
  readonly limits?: Partial<Limits>;
}

/** Options of one acquisition (lock_acquire's arguments). */
export interface AcquireOptions {
  /** 0 exclusive (default), 1 shared, 2 recursive shared. */
  readonly read?: ReadMode;
  readonly trylock?: boolean;
  /** false = check 0: tracked, irq usage and freeing checked, no dependency validation. */
  readonly check?: boolean;
  /** The lock that serialises nesting of this class (`mutex_lock_nest_lock`). */
  readonly nestLock?: LockMap;
  /** Subclass (`*_lock_nested(l, n)`); default: the map's. */
  readonly subclass?: number;
  /** `at:` site; default: the innermost frame. */
  readonly site?: string;
  /** The call stack, innermost first (as the kernel prints traces); default: `[site]`. */
  readonly frames?: Trace;
  /** lock_sync(): validated like an acquisition, never pushed. */
  readonly sync?: boolean;
  /**
   * A crosslock (crossrelease's term, reference/lockdep.md 4): held on behalf of work in flight,
   * across the return to user space, until whoever completes the work releases it.
   * lockdep_sys_exit does not count it; every other check treats it as an ordinary hold.
   */
  readonly crosslock?: boolean;
}

/** Where an operation happens: the site and the call stack (innermost first). */
export interface SiteOptions {
  readonly site?: string;
  readonly frames?: Trace;
}

/** Counters, for tests and benchmarks. */
export interface ValidatorStats {
  readonly classes: number;
  readonly edges: number;
  readonly chains: number;
  readonly chainHits: number;
  readonly chainMisses: number;
  /** Breadth-first searches run (cycle and irq-usage checks). */
  readonly graphSearches: number;
}

/** A recorded dependency, for inspection: `from -> to` with its kinds (`EN|SR`). */
export interface DependencyEdge {
  readonly from: string;
  readonly to: string;
  readonly kinds: string;
}

interface AcquireSpec {
  readonly map: LockMap;
  readonly subclass: number;
  readonly read: ReadMode;
  readonly trylock: boolean;
  readonly check: boolean;
  readonly nestLock: LockMap | undefined;
  readonly site: string;
  readonly trace: Trace;
  readonly sync: boolean;
  readonly hardirqsOff: boolean | undefined;
  readonly references: number;
  readonly crosslock: boolean;
}

function where(o: SiteOptions, fallback: string): { site: string; trace: Trace } {
  const site = o.site ?? o.frames?.[0] ?? fallback;
  return { site, trace: o.frames ?? [site] };
}

/** A standalone lockdep: register tasks, then feed it acquisitions, releases and irq-state changes. */
export class Validator implements Core {
  readonly registry = new ClassRegistry();
  readonly printer: Printer;
  readonly chains = new ChainCache();
  readonly graph: GraphStats = { searches: 0 };
  readonly limits: Limits;
  readonly waits: WaitContexts;
  on = true;
  edgeEntries = 0;
  private readonly keepGoing: boolean;
  private readonly found: LockdepReport[] = [];
  private readonly seen = new Set<string>();
  private readonly tasks: Task[] = [];

  constructor(options: ValidatorOptions = {}) {
    this.keepGoing = options.keepGoing ?? false;
    this.printer = new Printer(this.registry, { ...DEFAULT_IDENT, ...options.ident });
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const raw = options.rawLockNesting ?? true;
    this.waits = raw
      ? { spin: LD_WAIT.SPIN, config: LD_WAIT.CONFIG, max: LD_WAIT.MAX }
      : { spin: LD_WAIT.SPIN, config: LD_WAIT.SPIN, max: LD_WAIT.MAX - 1 };
  }

  /** Creates a task (comm/pid) with irqs and softirqs enabled and no locks held. */
  task(comm: string, pid: number, cpu = 0): Task {
    const t = new Task(comm, pid, cpu);
    this.tasks.push(t);
    return t;
  }

  /** Every report so far, in order (at most one unless keepGoing). */
  reports(): LockdepReport[] {
    return [...this.found];
  }

  /** The `i`-th report found, without copying the list (the model checks this after every step). */
  reportAt(i: number): LockdepReport | null {
    return this.found[i] ?? null;
  }

  /** Whether validation is still on (debug_locks). */
  get enabled(): boolean {
    return this.on;
  }

  /** Counters: classes, edges, chains, chain-cache hits and misses, graph searches. */
  stats(): ValidatorStats {
    return {
      classes: this.registry.all.length,
      edges: this.edgeEntries / 2,
      chains: this.chains.size,
      chainHits: this.chains.hits,
      chainMisses: this.chains.misses,
      graphSearches: this.graph.searches,
    };
  }

  /** The recorded dependencies, by class registration order then insertion order. */
  edges(): DependencyEdge[] {
    return this.registry.all.flatMap((c) =>
      c.after.map((e) => ({ from: className(c), to: className(e.cls), kinds: depNames(e.dep) })),
    );
  }

  /** Core.emit: keeps the report (once per dedup key) and turns validation off unless keepGoing. */
  emit(dedupKey: string, build: () => LockdepReport): void {
    if (!this.on) return;
    if (this.keepGoing) {
      if (this.seen.has(dedupKey)) return;
      this.seen.add(dedupKey);
    } else {
      this.on = false;
    }
    this.found.push(build());
  }

  /** Core.capacity: a BUG line for an exhausted table; lockdep always turns off. */
  capacity(headline: string, task: Task, trace: Trace): void {
    if (!this.on) return;
    this.on = false;
    this.found.push(lockdepOffReport(this.printer, 'capacity', headline, task, trace));
  }

  /** lock_acquire. */
  acquire(task: Task, map: LockMap, o: AcquireOptions = {}): void {
    const { site, trace } = where(o, map.name);
    this.lockAcquire(task, {
      map,
      subclass: o.subclass ?? map.subclass,
      read: o.read ?? 0,
      trylock: o.trylock ?? false,
      check: o.check ?? true,
      nestLock: o.nestLock,
      site,
      trace,
      sync: o.sync ?? false,
      hardirqsOff: undefined,
      references: 0,
      crosslock: o.crosslock ?? false,
    });
  }

  private lockAcquire(task: Task, s: AcquireSpec): void {
    if (!this.on || s.map.validation === 'notrack') return;
    // Fix the map's fake address at first sight, so addresses follow acquisition order.
    this.registry.mapAddress(s.map);
    if (s.subclass >= MAX_LOCKDEP_SUBCLASSES || s.subclass < 0) {
      this.on = false;
      const headline = `BUG: looking up invalid subclass: ${s.subclass}`;
      this.found.push(lockdepOffReport(this.printer, 'invalid-subclass', headline, task, s.trace));
      return;
    }
    let cls = this.registry.lookup(s.map, s.subclass);
    if (!cls) {
      if (this.registry.all.length >= this.limits.keys) {
        this.capacity('BUG: MAX_LOCKDEP_KEYS too low!', task, s.trace);
        return;
      }
      cls = this.registry.register(s.map, s.subclass);
    }
    const top = task.top();
    if (top && !s.sync && top.cls === cls && s.nestLock) {
      // nest_lock merge: another instance under the same nest lock only bumps the reference count.
      top.references = Math.max(top.references, 1) + Math.max(s.references, 1);
      return;
    }
    const h: HeldLock = {
      map: s.map,
      cls,
      site: s.site,
      trace: s.trace,
      nestLock: s.nestLock,
      irqContext: task.irqContext,
      trylock: s.trylock,
      read: s.read,
      check: s.check && s.map.validation === 'full',
      hardirqsOff: s.hardirqsOff ?? !task.hardirqsEnabled,
      sync: s.sync,
      references: s.references,
      prevChainKey: task.chainKey,
      crosslock: s.crosslock,
    };
    if (!checkWaitContext(this, task, h) && !this.on) return;
    if (!markUsage(this, task, h) && !this.on) return;

    let chainKey = task.chainKey;
    let chainHead = task.held.length === 0;
    if (top && top.irqContext !== h.irqContext) {
      // Crossing into an irq context restarts the chain: no dependencies on the interrupted locks.
      chainKey = INITIAL_CHAIN_KEY;
      chainHead = true;
    }
    chainKey = iterateChainKey(chainKey, hlockId(h));
    if (s.nestLock && !task.held.some((x) => x.map === s.nestLock)) {
      const nest = s.nestLock;
      this.emit(`nested-lock-not-held|${cls.idx}|${nest.name}`, () =>
        nestNotHeldReport(this.printer, task, h, nest),
      );
      if (!this.on) return;
    }
    if (!validateChain(this, task, h, chainHead, chainKey) && !this.on) return;
    if (h.sync) return;
    task.chainKey = chainKey;
    task.held.push(h);
    if (task.held.length >= MAX_LOCK_DEPTH) {
      this.emit(`max-depth|${task.label}`, () =>
        maxDepthReport(this.printer, task, this.allLocks(), h.trace),
      );
    }
  }

  /** debug_show_all_locks, as printed right after lockdep turned itself off (or not, with keepGoing). */
  private allLocks(): string[] {
    if (!this.keepGoing) return ['INFO: lockdep is turned off.'];
    const lines = ['', 'Showing all locks held in the system:'];
    for (const t of this.tasks) if (t.held.length) lines.push(...this.printer.heldLocks(t));
    lines.push('', '=============================================', '');
    return lines;
  }

  /** lock_release: pops `map` (re-validating the entries above it if it was not on top). */
  release(task: Task, map: LockMap, o: SiteOptions = {}): void {
    if (!this.on) return;
    const { site, trace } = where(o, map.name);
    const i = this.heldOrBadUnlock(task, map, site, trace);
    if (i < 0) return;
    const h = task.held[i]!;
    if (h.references) {
      h.references--;
      if (h.references) return;
    }
    const above = task.held.splice(i);
    task.chainKey = h.prevChainKey;
    this.reacquire(task, above.slice(1), trace);
  }

  /** The index of `map` in the task's held locks; -1 after a bad-unlock report when it is not held. */
  private heldOrBadUnlock(task: Task, map: LockMap, site: string, trace: Trace): number {
    const i = this.findHeld(task, map);
    if (i < 0) {
      this.emit(`bad-unlock|${task.label}|${map.name}`, () =>
        badUnlockReport(this.printer, task, map, site, trace),
      );
    }
    return i;
  }

  /** reacquire_held_locks: same arguments as the original acquisitions, validated again. */
  private reacquire(task: Task, locks: readonly HeldLock[], trace: Trace): void {
    for (const r of locks) {
      this.lockAcquire(task, {
        map: r.map,
        subclass: r.cls.subclass,
        read: r.read,
        trylock: r.trylock,
        check: r.check,
        nestLock: r.nestLock,
        site: r.site,
        trace,
        sync: false,
        hardirqsOff: r.hardirqsOff,
        references: r.references,
        crosslock: r.crosslock,
      });
    }
  }

  /** lock_downgrade (__lock_downgrade): the hold of `map` becomes shared, re-validated from there up. */
  downgrade(task: Task, map: LockMap, o: SiteOptions = {}): void {
    if (!this.on) return;
    const { site, trace } = where(o, map.name);
    const i = this.heldOrBadUnlock(task, map, site, trace);
    if (i < 0) return;
    const above = task.held.splice(i);
    task.chainKey = above[0]!.prevChainKey;
    this.reacquire(task, [{ ...above[0]!, read: 1 }, ...above.slice(1)], trace);
  }

  /** find_held_lock: the top entry, else scanning down without crossing into another irq context. */
  private findHeld(task: Task, map: LockMap): number {
    const held = task.held;
    for (let i = held.length - 1; i >= 0; i--) {
      const h = held[i]!;
      if (i < held.length - 1 && h.irqContext !== held[i + 1]!.irqContext) return -1;
      if (h.map === map) return i;
      // A nest_lock-merged entry stands for every instance of its class.
      if (h.references && this.registry.lookup(map, 0) === h.cls) return i;
    }
    return -1;
  }

  /** Whether the task holds `map`. */
  isHeld(task: Task, map: LockMap): boolean {
    return task.held.some((h) => h.map === map);
  }

  private event(task: Task, site: string): { stamp: number; site: string } {
    return { stamp: ++task.irqEvents, site };
  }

  /** local_irq_disable (lockdep_hardirqs_off). */
  hardirqsOff(task: Task, o: SiteOptions = {}): void {
    if (!task.hardirqsEnabled) return;
    task.hardirqsEnabled = false;
    task.hardirqOff = this.event(task, where(o, 'local_irq_disable').site);
  }

  /** local_irq_enable (lockdep_hardirqs_on): held locks become HARDIRQ-ON (and SOFTIRQ-ON). */
  hardirqsOn(task: Task, o: SiteOptions = {}): void {
    if (task.hardirqsEnabled || task.hardirqCount > 0) return;
    const { site, trace } = where(o, 'local_irq_enable');
    if (this.on && markHeldLocks(this, task, LOCK.ENABLED_HARDIRQ, trace) && task.softirqsEnabled) {
      markHeldLocks(this, task, LOCK.ENABLED_SOFTIRQ, trace);
    }
    task.hardirqsEnabled = true;
    task.hardirqOn = this.event(task, site);
  }

  /** local_bh_disable (lockdep_softirqs_off on the first level). */
  softirqsOff(task: Task, o: SiteOptions = {}): void {
    if (task.bhDisableCount++ === 0) task.softirqOff = this.event(task, where(o, 'local_bh_disable').site);
  }

  /** local_bh_enable (lockdep_softirqs_on on the last level): held locks become SOFTIRQ-ON if irqs are on. */
  softirqsOn(task: Task, o: SiteOptions = {}): void {
    if (task.bhDisableCount === 0) return;
    if (--task.bhDisableCount > 0) return;
    const { site, trace } = where(o, 'local_bh_enable');
    task.softirqOn = this.event(task, site);
    if (this.on && task.hardirqsEnabled) markHeldLocks(this, task, LOCK.ENABLED_SOFTIRQ, trace);
  }

  /** Hardirq entry on `task`'s CPU: hardirq context, irqs off. `threaded`: force_irqthreads handler. */
  hardirqEnter(task: Task, o: SiteOptions & { readonly threaded?: boolean } = {}): void {
    task.savedHardirqsEnabled.push(task.hardirqsEnabled);
    this.hardirqsOff(task, { site: where(o, 'irq_enter_rcu').site });
    task.hardirqCount++;
    task.hardirqThreaded = o.threaded ?? false;
  }

  /** Hardirq exit: leaves hardirq context and restores the interrupted irq state. */
  hardirqExit(task: Task, o: SiteOptions = {}): void {
    if (task.hardirqCount === 0) return;
    task.hardirqCount--;
    task.hardirqThreaded = false;
    if (task.savedHardirqsEnabled.pop() ?? true)
      this.hardirqsOn(task, { ...o, site: where(o, 'irq_exit_rcu').site });
  }

  /** Softirq entry (__do_softirq): softirq context with bottom halves disabled. */
  softirqEnter(task: Task, o: SiteOptions = {}): void {
    this.softirqsOff(task, { site: where(o, '__do_softirq').site });
    task.softirqCount++;
  }

  /** Softirq exit. */
  softirqExit(task: Task, o: SiteOptions = {}): void {
    if (task.softirqCount === 0) return;
    task.softirqCount--;
    this.softirqsOn(task, { ...o, site: where(o, '__do_softirq').site });
  }

  /** lockdep_sys_exit: returning to user space with locks held is a report (crosslocks excepted). */
  returnToUser(task: Task): void {
    if (!this.on || task.held.every((h) => h.crosslock)) return;
    this.emit(`held-at-return|${task.label}|${task.held.map((h) => h.cls.idx).join(',')}`, () =>
      heldAtReturnReport(this.printer, task),
    );
  }

  /**
   * debug_check_no_locks_freed: `map`'s memory (its fake address, `size` bytes) is freed or
   * re-initialised; a lock held there is a report.
   */
  freeLock(task: Task, map: LockMap, o: SiteOptions & { readonly size?: number } = {}): void {
    if (!this.on) return;
    const from = this.registry.mapAddress(map);
    const to = from + BigInt(o.size ?? 0x40);
    const h = task.held.find((x) => {
      const a = this.registry.mapAddress(x.map);
      return a >= from && a < to;
    });
    if (!h) return;
    const { trace } = where(o, 'kfree');
    const hex = (n: bigint): string => n.toString(16).padStart(16, '0');
    this.emit(`held-freed|${h.cls.idx}`, () =>
      heldFreedReport(this.printer, task, hex(from), hex(to - 1n), h, trace),
    );
  }
}
