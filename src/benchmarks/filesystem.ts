import { type Benchmark, benchmark } from './benchmark.js';
import { load, printVars, store, type Var, vars } from './memory.js';
import { mutex_lock, mutex_unlock, mutexes } from './mutex.js';

/** Options of `filesystem`; the defaults are the published benchmark's. */
export interface FilesystemOptions {
  /** NUMBLOCKS, 26. */
  readonly blocks?: number;
  /** NUMINODE, 32. */
  readonly inodes?: number;
}

/**
 * filesystem(n) (Flanagan and Godefroid, POPL 2005, figure 6; Nidhugg's `filesystem.c`): thread
 * `tid` takes inode `i = tid % NUMINODE` under `locki[i]`; if the inode has no block yet it scans
 * the blocks from `b = (i * 2) % NUMBLOCKS`, taking `lockb[b]` around the test and set of
 * `busy[b]`, and records `inode[i] = b + 1`. With 26 blocks, threads i and i + 13 start at the same
 * block: 2^(n - 13) traces for 13 < n <= 26, one below.
 */
export function filesystem(n: number, options: FilesystemOptions = {}): Benchmark {
  const numblocks = options.blocks ?? 26;
  const numinode = options.inodes ?? 32;
  const suffix =
    options.blocks !== undefined || options.inodes !== undefined
      ? `,blocks=${numblocks},inodes=${numinode}`
      : '';
  return benchmark(`filesystem(${n}${suffix})`, (world) => {
    const locki = mutexes(world, 'locki', numinode);
    const inode: Var[] = vars(world, 'inode', numinode);
    const lockb = mutexes(world, 'lockb', numblocks);
    const busy: Var[] = vars(world, 'busy', numblocks);
    for (let tid = 0; tid < n; tid++) {
      world.spawn('task', `fs${tid}`, tid, function* (actor) {
        const i = tid % numinode;
        yield* mutex_lock(actor, locki[i]!);
        if ((yield* load(inode[i]!)) === 0) {
          let b = (i * 2) % numblocks;
          for (;;) {
            yield* mutex_lock(actor, lockb[b]!);
            if ((yield* load(busy[b]!)) === 0) {
              yield* store(busy[b]!, 1);
              yield* store(inode[i]!, b + 1);
              yield* mutex_unlock(actor, lockb[b]!);
              break;
            }
            yield* mutex_unlock(actor, lockb[b]!);
            b = (b + 1) % numblocks;
          }
        }
        yield* mutex_unlock(actor, locki[i]!);
      });
    }
    return () =>
      `${printVars(inode.filter((v) => v.value !== 0))} | ${printVars(busy.filter((v) => v.value !== 0))}`;
  });
}
