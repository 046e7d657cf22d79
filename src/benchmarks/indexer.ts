import type { Program } from '../core/op.js';
import { type Benchmark, benchmark } from './benchmark.js';
import { casOp, printVars, type Var, vars } from './memory.js';

/** Thread `tid`: inserts its `max` values. (One generator function for every world; see `benchmark`.) */
function* thread(table: readonly Var[], tid: number, max: number): Program<void> {
  const size = table.length;
  for (let m = 1; m <= max; m++) {
    const w = m * 11 + tid;
    let h = (w * 7) % size;
    while (!((yield casOp(table[h]!, 0, w)) as boolean)) h = (h + 1) % size;
  }
}

/** Options of `indexer`; the defaults are the published benchmark's. */
export interface IndexerOptions {
  /** Entries of the hash table (SIZE, 128). */
  readonly size?: number;
  /** Values each thread inserts (MAX, 4). */
  readonly max?: number;
}

/**
 * indexer(n) (Flanagan and Godefroid, POPL 2005, as in Nidhugg's and SV-COMP's `indexer.c`):
 * n threads insert into a hash table with open addressing; thread `tid` inserts
 * `w = m * 11 + tid` for m = 1..MAX at `h = (w * 7) % SIZE`, probing `h + 1` while the
 * compare-and-swap `cas(table[h], 0, w)` fails. With 128 entries there is no collision up to 11
 * threads (one trace); from 12 threads on, each thread past 11 collides with three values of
 * another thread: 2^(3 (n - 11)) traces.
 */
export function indexer(n: number, options: IndexerOptions = {}): Benchmark {
  const size = options.size ?? 128;
  const max = options.max ?? 4;
  const suffix = options.size !== undefined || options.max !== undefined ? `,size=${size},max=${max}` : '';
  return benchmark(`indexer(${n}${suffix})`, (world) => {
    const table: Var[] = vars(world, 'table', size);
    for (let tid = 0; tid < n; tid++)
      world.spawn('task', `indexer${tid}`, tid, () => thread(table, tid, max));
    return () => printVars(table.filter((v) => v.value !== 0));
  });
}
