// What the check modules (deps.ts, irq.ts) share with the Validator: the class registry, the graph
// counters, the chain cache, the printer, the limits, and the report sink (debug_locks_off).

import type { ChainCache } from './chain.js';
import type { ClassRegistry, Trace } from './class.js';
import type { Printer } from './format.js';
import type { GraphStats } from './graph.js';
import type { Task } from './held.js';
import type { LockdepReport } from './report.js';

/** Capacity limits (reference/lockdep.md 5); exceeding one turns lockdep off with a BUG line. */
export interface Limits {
  /** MAX_LOCKDEP_KEYS: classes. */
  readonly keys: number;
  /** MAX_LOCKDEP_ENTRIES: dependency entries; each edge uses two. */
  readonly entries: number;
  /** MAX_LOCKDEP_CHAINS. */
  readonly chains: number;
  /** MAX_LOCKDEP_CHAIN_HLOCKS. */
  readonly chainHlocks: number;
}

/** The kernel's default limits. */
export const DEFAULT_LIMITS: Limits = { keys: 8192, entries: 32768, chains: 65536, chainHlocks: 5 * 65536 };

/** Wait-context values of the irq contexts (task_wait_context), which depend on PROVE_RAW_LOCK_NESTING. */
export interface WaitContexts {
  readonly spin: number;
  readonly config: number;
  readonly max: number;
}

/** The validator state the checks read and update. */
export interface Core {
  readonly registry: ClassRegistry;
  readonly printer: Printer;
  readonly chains: ChainCache;
  readonly graph: GraphStats;
  readonly limits: Limits;
  readonly waits: WaitContexts;
  /** debug_locks: false after the first report unless keepGoing. */
  readonly on: boolean;
  /** nr_list_entries. */
  edgeEntries: number;
  /** Records a report (built only if new when deduplicating); turns lockdep off unless keepGoing. */
  emit(dedupKey: string, build: () => LockdepReport): void;
  /** print_lockdep_off for a capacity limit: always turns lockdep off. */
  capacity(headline: string, task: Task, trace: Trace): void;
}
