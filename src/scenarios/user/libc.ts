import { ModelAssertion } from '../../core/errors.js';
import type { Program } from '../../core/op.js';
import { O_DIRECT } from '../../kernel/fs/fs.js';
import { __x64_sys_fallocate, __x64_sys_open } from '../../kernel/fs/open.js';
import { __x64_sys_pwrite64 } from '../../kernel/fs/read_write.js';
import { syscall } from '../../kernel/kernel/entry.js';
import type { Kcx } from '../../kernel/sched.js';

// The user-space side of scenarios: libc wrappers that enter the kernel through `syscall`, which
// models entry, exit to user mode (task_work, signals) and restart.

/** open(2). Returns the descriptor or a negative errno. */
export function open(cx: Kcx, path: string, flags: number): Program<number> {
  return syscall(cx, `open("${path}")`, () => __x64_sys_open(cx, path, flags));
}

/** pwrite(2) of `count` bytes at `pos`. */
export function pwrite(cx: Kcx, fd: number, count: number, pos: number): Program<number> {
  return syscall(cx, `pwrite64(${fd}, ${count}, ${pos})`, () => __x64_sys_pwrite64(cx, fd, count, pos));
}

/** fallocate(2). */
export function fallocate(cx: Kcx, fd: number, mode: number, offset: number, len: number): Program<number> {
  return syscall(cx, `fallocate(${fd}, ${mode}, ${offset}, ${len})`, () =>
    __x64_sys_fallocate(cx, fd, mode, offset, len),
  );
}

/** glibc posix_fallocate: fallocate(fd, 0, offset, len), returning 0 or a positive errno. */
export function* posix_fallocate(cx: Kcx, fd: number, offset: number, len: number): Program<number> {
  const ret = yield* fallocate(cx, fd, 0, offset, len);
  return ret < 0 ? -ret : 0;
}

/** include/uapi/asm-generic/fcntl.h */
export const O_RDWR = 2;
/** One mebibyte. */
export const MiB = 1024 * 1024;
/** The scenarios' test file on the XFS mount, prefilled (see `MachineSetup.fileSize`). */
export const TEST_FILE = '/mnt/xfs/file';

/** open(TEST_FILE, O_RDWR | O_DIRECT), asserting success. */
export function* openDirect(cx: Kcx): Program<number> {
  const fd = yield* open(cx, TEST_FILE, O_RDWR | O_DIRECT);
  if (fd < 0) throw new ModelAssertion(`open failed: ${fd}`);
  return fd;
}
