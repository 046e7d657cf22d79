// IRQ usage bits and the mask algebra of kernel/locking/lockdep.c (lockdep_internals.h: enum
// lock_usage_bit; get_usage_chars, exclusive_bit, exclusive_mask, original_mask,
// find_exclusive_match). reference/lockdep.md 1.7(c). Bit number = state<<2 | dir<<1 | read.

/** lock_usage_bit values (no NMI state: the port models hardirq and softirq only). */
export const LOCK = {
  USED_IN_HARDIRQ: 0,
  USED_IN_HARDIRQ_READ: 1,
  ENABLED_HARDIRQ: 2,
  ENABLED_HARDIRQ_READ: 3,
  USED_IN_SOFTIRQ: 4,
  USED_IN_SOFTIRQ_READ: 5,
  ENABLED_SOFTIRQ: 6,
  ENABLED_SOFTIRQ_READ: 7,
  USED: 8,
  USED_READ: 9,
} as const;

/** LOCK_TRACE_STATES: bits that keep the stack at which they were first set. */
export const LOCK_TRACE_STATES = 10;
const READ_MASK = 1;
const DIR_MASK = 2;
const STATE_NAMES = ['HARDIRQ', 'SOFTIRQ'] as const;

/** LOCKF_* masks. */
export const LOCKF = {
  USED_IN_IRQ: (1 << LOCK.USED_IN_HARDIRQ) | (1 << LOCK.USED_IN_SOFTIRQ),
  ENABLED_IRQ: (1 << LOCK.ENABLED_HARDIRQ) | (1 << LOCK.ENABLED_SOFTIRQ),
  USED_IN_IRQ_READ: (1 << LOCK.USED_IN_HARDIRQ_READ) | (1 << LOCK.USED_IN_SOFTIRQ_READ),
  ENABLED_IRQ_READ: (1 << LOCK.ENABLED_HARDIRQ_READ) | (1 << LOCK.ENABLED_SOFTIRQ_READ),
} as const;
/** Write (non-read) irq bits. */
export const LOCKF_IRQ = LOCKF.USED_IN_IRQ | LOCKF.ENABLED_IRQ;
/** Read irq bits. */
export const LOCKF_IRQ_READ = LOCKF.USED_IN_IRQ_READ | LOCKF.ENABLED_IRQ_READ;
/** Every USED_IN bit, write and read. */
export const LOCKF_USED_IN_IRQ_ALL = LOCKF.USED_IN_IRQ | LOCKF.USED_IN_IRQ_READ;
/** Every ENABLED bit, write and read. */
export const LOCKF_ENABLED_IRQ_ALL = LOCKF.ENABLED_IRQ | LOCKF.ENABLED_IRQ_READ;

/** usage_str: the name of a usage bit in reports. */
export function usageName(bit: number): string {
  if (bit === LOCK.USED) return 'INITIAL USE';
  if (bit === LOCK.USED_READ) return 'INITIAL READ USE';
  const state = STATE_NAMES[bit >> 2] ?? '?';
  const rw = bit & READ_MASK ? 'R' : 'W';
  return bit & DIR_MASK ? `${state}-ON-${rw}` : `IN-${state}-${rw}`;
}

/** state_name: `HARDIRQ`, `SOFTIRQ`, or with `-READ` for a read bit. */
export function stateName(bit: number): string {
  const s = STATE_NAMES[(bit >> 2) & 1] ?? '?';
  return bit & READ_MASK ? `${s}-READ` : s;
}

/** exclusive_bit: the opposite-direction write bit of the same state. */
export function exclusiveBit(bit: number): number {
  return (bit & ~(READ_MASK | DIR_MASK)) | ((bit & DIR_MASK) ^ DIR_MASK);
}

/** Whether a usage bit is an ENABLED (irq-unsafe) bit rather than USED_IN (irq-safe). */
export function isEnabledBit(bit: number): boolean {
  return (bit & DIR_MASK) !== 0;
}

/** Whether a usage bit is a read bit. */
export function isReadBit(bit: number): boolean {
  return (bit & READ_MASK) !== 0;
}

function invertDirMask(mask: number): number {
  return ((mask & LOCKF_ENABLED_IRQ_ALL) >> DIR_MASK) | ((mask & LOCKF_USED_IN_IRQ_ALL) << DIR_MASK);
}

/** exclusive_mask: the usages that conflict with any usage in `mask`, read or write. */
export function exclusiveMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> READ_MASK;
  excl |= (excl & LOCKF_IRQ) << READ_MASK;
  return excl;
}

/** original_mask: the usages to which `mask` is exclusive (the inverse of exclusiveMask). */
export function originalMask(mask: number): number {
  return exclusiveMask(mask);
}

/** find_exclusive_match: the first pair (bit in `mask`, conflicting bit in `exclMask`), or undefined. */
export function findExclusiveMatch(mask: number, exclMask: number): readonly [number, number] | undefined {
  for (let bit = 0; bit < LOCK.USED; bit++) {
    if (!(mask & (1 << bit))) continue;
    const excl = exclusiveBit(bit);
    if (exclMask & (1 << excl)) return [bit, excl];
    if (exclMask & (1 << (excl | READ_MASK))) return [bit, excl | READ_MASK];
  }
  return undefined;
}

function usageChar(mask: number, bit: number): string {
  if (mask & (1 << (bit + DIR_MASK))) return mask & (1 << bit) ? '?' : '+';
  return mask & (1 << bit) ? '-' : '.';
}

/** get_usage_chars: `{....}` contents — hardirq write, hardirq read, softirq write, softirq read. */
export function usageChars(mask: number): string {
  return (
    usageChar(mask, LOCK.USED_IN_HARDIRQ) +
    usageChar(mask, LOCK.USED_IN_HARDIRQ_READ) +
    usageChar(mask, LOCK.USED_IN_SOFTIRQ) +
    usageChar(mask, LOCK.USED_IN_SOFTIRQ_READ)
  );
}
