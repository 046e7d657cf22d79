import type { Actor } from '../core/actor.js';
import type { Program } from '../core/op.js';
import { type Benchmark, benchmark } from './benchmark.js';
import { loadOp, printVars, storeOp, type Var, vars } from './memory.js';
import { lockOp, type Mutex, mutexes, unlockOp } from './mutex.js';

/**
 * A thread on inode `i`: under `locki`, if the inode has no block yet, scans the blocks from
 * `(i * 2) % NUMBLOCKS` for a free one, testing and setting `busy[b]` under `lockb[b]`.
 */
function* thread(
  actor: Actor,
  i: number,
  locki: Mutex,
  inode: Var,
  lockb: readonly Mutex[],
  busy: readonly Var[],
): Program<void> {
  const numblocks = busy.length;
  yield lockOp(actor, locki);
  if (((yield loadOp(inode)) as number) === 0) {
    let b = (i * 2) % numblocks;
    for (;;) {
      yield lockOp(actor, lockb[b]!);
      if (((yield loadOp(busy[b]!)) as number) === 0) {
        yield storeOp(busy[b]!, 1);
        yield storeOp(inode, b + 1);
        yield unlockOp(actor, lockb[b]!);
        break;
      }
      yield unlockOp(actor, lockb[b]!);
      b = (b + 1) % numblocks;
    }
  }
  yield unlockOp(actor, locki);
}

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
      const i = tid % numinode;
      world.spawn('task', `fs${tid}`, tid, (actor) => thread(actor, i, locki[i]!, inode[i]!, lockb, busy));
    }
    return () =>
      `${printVars(inode.filter((v) => v.value !== 0))} | ${printVars(busy.filter((v) => v.value !== 0))}`;
  });
}
