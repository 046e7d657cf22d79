/** Kernel error numbers the model returns (include/uapi/asm-generic/errno-base.h, include/linux/errno.h). */
export const EINTR = 4;
export const EAGAIN = 11;
export const EBADF = 9;
export const EINVAL = 22;
export const EOPNOTSUPP = 95;
export const ERESTARTSYS = 512;
export const ERESTARTNOINTR = 513;
export const ERESTARTNOHAND = 514;
export const EIOCBQUEUED = 529;

const NAMES: Record<number, string> = {
  [EINTR]: 'EINTR',
  [EAGAIN]: 'EAGAIN',
  [EBADF]: 'EBADF',
  [EINVAL]: 'EINVAL',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [ERESTARTSYS]: 'ERESTARTSYS',
  [ERESTARTNOINTR]: 'ERESTARTNOINTR',
  [ERESTARTNOHAND]: 'ERESTARTNOHAND',
  [EIOCBQUEUED]: 'EIOCBQUEUED',
};

/** A return value as the kernel would write it: `-EAGAIN`, or the number itself when not an error. */
export function errname(ret: number): string {
  if (ret >= 0) return String(ret);
  return `-${NAMES[-ret] ?? String(-ret)}`;
}
