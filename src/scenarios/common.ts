import type { Program } from '../core/op.js';
import type { FsName } from '../kernel/boot.js';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE } from '../kernel/fs/fs.js';
import {
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_TASKRUN_FLAG,
} from '../kernel/io_uring/types.js';
import type { Kcx } from '../kernel/sched.js';
import { choiceParam, type IntParamSpec, type ParamSpec, type Params } from './scenario.js';
import { fallocate, ftruncate, MiB, retry_eagain } from './user/libc.js';

// Parameters several scenarios share, and the user-space pieces behind them.

/** The size of the prefilled test file: Jens Axboe's reproducer uses 128 MiB. */
export const FILE_SIZE = 128 * MiB;

/** `--param loops=N`. */
export function loopsParam(doc: string, max = 8): IntParamSpec {
  return { name: 'loops', doc, default: 1, min: 1, max };
}

/** `--param fs=xfs|ext4`. */
export const FS_PARAM: ParamSpec = {
  name: 'fs',
  doc: 'filesystem of the test file',
  default: 'xfs',
  values: ['xfs', 'ext4'],
};

/** The ring setup flags each `--param ring=` value stands for. */
export const RING_FLAGS: Readonly<Record<string, number>> = {
  none: 0,
  coop: IORING_SETUP_COOP_TASKRUN,
  'coop-taskrun': IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
  defer: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
};

/** `--param ring=none|coop|coop-taskrun|defer`. */
export const RING_PARAM: ParamSpec = {
  name: 'ring',
  doc: 'io_uring setup flags: none, COOP_TASKRUN, COOP_TASKRUN|TASKRUN_FLAG, SINGLE_ISSUER|DEFER_TASKRUN',
  default: 'none',
  values: Object.keys(RING_FLAGS),
};

/** The ring flags a scenario's parameters ask for. */
export function ringFlags(p: Params): number {
  return RING_FLAGS[choiceParam(p, 'ring')]!;
}

/** The machine setup of the scenarios: the chosen filesystem with the prefilled file. */
export function machine(p: Params): { fs: FsName; fileSize: number } {
  return { fs: choiceParam<FsName>(p, 'fs'), fileSize: FILE_SIZE };
}

/** `--param op=...`: what the task does to the file while its write may be in flight. */
export const OP_PARAM: ParamSpec = {
  name: 'op',
  doc: 'what drains direct I/O: fallocate (allocate), truncate (shrink by 4 KiB), punch (hole), zero (zero range)',
  default: 'fallocate',
  values: ['fallocate', 'truncate', 'punch', 'zero'],
};

/**
 * The operation of `--param op` in loop `i`, retried on -EAGAIN (the fallocate-nowait variant's
 * contract). fallocate grows its length each loop as Jens Axboe's reproducer does; truncate
 * shrinks the file by 4 KiB per loop; punch and zero work at 64 MiB, away from the writes.
 */
export function drainOp(cx: Kcx, fd: number, p: Params, i: number): Program<number> {
  const op = choiceParam(p, 'op');
  const at = 64 * MiB + i * 4096;
  return retry_eagain(cx, () => {
    if (op === 'truncate') return ftruncate(cx, fd, FILE_SIZE - (i + 1) * 4096);
    if (op === 'punch') return fallocate(cx, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, at, 4096);
    if (op === 'zero') return fallocate(cx, fd, FALLOC_FL_ZERO_RANGE, at, 4096);
    return fallocate(cx, fd, 0, 0, (i + 1) * 4096);
  });
}
