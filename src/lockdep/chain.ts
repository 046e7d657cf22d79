// The lock-chain cache (kernel/locking/lockdep.c: iterate_chain_key, lookup_chain_cache_add).
// reference/lockdep.md 1.6. The port keys chains by joined hlock ids instead of a 64-bit hash: the key
// never collides and is never printed.

import type { HeldLock } from './held.js';

/** The empty chain key (INITIAL_CHAIN_KEY). */
export const INITIAL_CHAIN_KEY = '';

/** hlock_id: class index with the read state, so R-then-W on the same classes is a new chain. */
export function hlockId(h: Pick<HeldLock, 'cls' | 'read'>): string {
  return `${h.cls.idx}${'wrR'[h.read]}`;
}

/** iterate_chain_key: extends a chain key by one held lock. */
export function iterateChainKey(key: string, id: string): string {
  return key === INITIAL_CHAIN_KEY ? id : `${key},${id}`;
}

/** The set of validated chains, with hit/miss counters. */
export class ChainCache {
  private readonly chains = new Set<string>();
  /** Total held-lock entries over all cached chains (nr_chain_hlocks). */
  hlocks = 0;
  hits = 0;
  misses = 0;

  /** Number of cached chains (nr_lock_chains). */
  get size(): number {
    return this.chains.size;
  }

  /** Whether the chain was validated before; counts the lookup. */
  lookup(key: string): boolean {
    const hit = this.chains.has(key);
    if (hit) this.hits++;
    else this.misses++;
    return hit;
  }

  /** add_chain_cache: records a chain of `length` held locks. */
  add(key: string, length: number): void {
    this.chains.add(key);
    this.hlocks += length;
  }
}
