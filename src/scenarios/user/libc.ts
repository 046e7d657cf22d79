import { ModelAssertion } from '../../core/errors.js';
import type { Program } from '../../core/op.js';
import { O_DIRECT } from '../../kernel/fs/fs.js';
import { __x64_sys_fallocate, __x64_sys_ftruncate, __x64_sys_open } from '../../kernel/fs/open.js';
import { __x64_sys_pwrite64 } from '../../kernel/fs/read_write.js';
import { syscall } from '../../kernel/kernel/entry.js';
import { __x64_sys_kill, __x64_sys_rt_sigaction } from '../../kernel/kernel/signal.js';
import { current, type Kcx } from '../../kernel/sched.js';
import { EAGAIN } from '../../sync/errno.js';
import { spin_until } from '../../sync/wait.js';

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

/**
 * A user-space loop that retries a syscall while it fails with -EAGAIN. Between attempts the
 * task spins (it never sleeps); an attempt is retried once the kernel's retry hint says it could
 * go differently, which models every identical failed attempt in between.
 */
export function* retry_eagain(cx: Kcx, attempt: () => Program<number>): Program<number> {
  for (;;) {
    const ret = yield* attempt();
    if (ret !== -EAGAIN) return ret;
    const task = current(cx);
    const hint = task.retry;
    task.retry = null;
    if (!hint) throw new Error('a syscall failed with -EAGAIN without leaving a retry hint');
    yield spin_until(`retry ${hint.what} after -EAGAIN (user space)`, hint.objects, hint.until, hint.cond);
  }
}

/** ftruncate(2). */
export function ftruncate(cx: Kcx, fd: number, length: number): Program<number> {
  return syscall(cx, `ftruncate(${fd}, ${length})`, () => __x64_sys_ftruncate(cx, fd, length));
}

/** kill(2). */
export function kill(cx: Kcx, pid: number, sig: number): Program<number> {
  return syscall(cx, `kill(${pid}, ${sig})`, () => __x64_sys_kill(cx, pid, sig));
}

/** sigaction(2) with a handler that only returns; `sa_restart` sets SA_RESTART. */
export function sigaction(cx: Kcx, sig: number, sa_restart: boolean): Program<number> {
  return syscall(cx, `rt_sigaction(${sig}, handler${sa_restart ? ', SA_RESTART' : ''})`, () =>
    __x64_sys_rt_sigaction(cx, sig, sa_restart),
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
/** open(<the test file>, O_RDWR | O_DIRECT), asserting success. The file is prefilled (`MachineSetup.fileSize`). */
export function* openDirect(cx: Kcx): Program<number> {
  const fd = yield* open(cx, cx.k.testFile, O_RDWR | O_DIRECT);
  if (fd < 0) throw new ModelAssertion(`open failed: ${fd}`);
  return fd;
}
