import { LockstepError } from '../core/errors.js';

/**
 * Everything that differs between the kernel versions and patches the model can run. Named
 * variants bundle these fields; `--config key=value` overrides them one by one.
 */
export interface KernelConfig {
  /** `uname -r` of the variant, printed in reports. */
  readonly release: string;
  /**
   * io_uring/rw.c io_write: set IOCB_DIO_CALLER_COMP on every non-IOPOLL write (v6.6-rc1..rc7,
   * commit 099ada2c8726; removed by 838b35bb6a89 before v6.6).
   */
  readonly io_uring_dio_caller_comp: boolean;
  /**
   * Jens Axboe's proposal of 2023-10-24 (reference 4, not merged): inode_dio_wait sleeps
   * TASK_INTERRUPTIBLE and returns -ERESTARTSYS on a pending signal or TIF_NOTIFY_SIGNAL;
   * xfs_file_fallocate and ext4_fallocate unwind to their unlock labels and the syscall restarts.
   */
  readonly inode_dio_wait_interruptible: boolean;
  /**
   * The hypothetical non-blocking fallocate of the thread (reference 9, Chinner's livelock
   * worry): with direct I/O in flight, fallocate returns -EAGAIN instead of calling
   * inode_dio_wait, and the caller retries.
   */
  readonly fallocate_nowait: boolean;
  /** The hung-task detector's timeout (kernel.hung_task_timeout_secs); a D-state task blocked for good is reported as blocked this long. */
  readonly hung_task_timeout_secs: number;
  /**
   * CONFIG_LOCKDEP (with PROVE_LOCKING): every lock goes through the exploration's lockdep
   * validator, and the hung-task report ends with every task's held locks.
   */
  readonly lockdep: boolean;
  /**
   * The dio annotation of Jens Axboe's lockdep demo (reference 9; not in mainline): inode_dio_begin
   * takes a per-inode lockdep map `inode` shared, held by the submitter until inode_dio_end;
   * inode_dio_wait takes it exclusive. Needs `lockdep`.
   */
  readonly lockdep_dio_map: boolean;
  /**
   * CONFIG_DEPT (out of tree): the DEPT wait/event tracker records every blocking wait and the
   * event contexts open in the waiter, and reports a circular dependency. Opt-in.
   */
  readonly dept: boolean;
}

/** A config key as `lockstep list` shows it and `--config` parses it. */
export interface ConfigKey {
  readonly key: keyof KernelConfig;
  readonly type: 'bool' | 'int' | 'string';
  readonly doc: string;
}

/** Every key `--config` accepts. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    key: 'io_uring_dio_caller_comp',
    type: 'bool',
    doc: 'io_write sets IOCB_DIO_CALLER_COMP on O_DIRECT writes',
  },
  {
    key: 'inode_dio_wait_interruptible',
    type: 'bool',
    doc: 'inode_dio_wait sleeps interruptibly; fallocate returns -ERESTARTSYS and restarts',
  },
  {
    key: 'fallocate_nowait',
    type: 'bool',
    doc: 'fallocate returns -EAGAIN instead of waiting for direct I/O; the caller retries',
  },
  { key: 'hung_task_timeout_secs', type: 'int', doc: 'hung-task timeout printed in reports (seconds)' },
  { key: 'lockdep', type: 'bool', doc: 'lockdep validates every lock; hung-task reports list held locks' },
  {
    key: 'lockdep_dio_map',
    type: 'bool',
    doc: 'lockdep map for direct I/O in flight: inode_dio_begin shared until inode_dio_end, inode_dio_wait exclusive',
  },
  {
    key: 'dept',
    type: 'bool',
    doc: 'DEPT tracks waits and events (locks, i_dio_count, completions) and reports circular dependencies',
  },
  { key: 'release', type: 'string', doc: 'kernel release string printed in reports' },
];

/** A named bundle of config fields. */
export interface Variant {
  readonly name: string;
  readonly doc: string;
  readonly config: KernelConfig;
}

const base = {
  hung_task_timeout_secs: 120,
  lockdep: true,
  lockdep_dio_map: false,
  dept: false,
  inode_dio_wait_interruptible: false,
  fallocate_nowait: false,
} as const;

/** The kernel variants, in the order `lockstep list` prints them. */
export const VARIANTS: readonly Variant[] = [
  {
    name: 'v6.6-rc7',
    doc: 'io_uring sets IOCB_DIO_CALLER_COMP on O_DIRECT writes; inode_dio_wait is uninterruptible',
    config: { ...base, release: '6.6.0-rc7', io_uring_dio_caller_comp: true },
  },
  {
    name: 'v6.6',
    doc: 'the shipped fix (838b35bb6a89): io_uring no longer sets the flag; completion runs in a kworker',
    config: { ...base, release: '6.6.0', io_uring_dio_caller_comp: false },
  },
  {
    name: 'dio-wait-interruptible',
    doc: 'v6.6-rc7 plus the proposal from the thread: inode_dio_wait sleeps interruptibly, fallocate restarts',
    config: {
      ...base,
      release: '6.6.0-rc7+',
      io_uring_dio_caller_comp: true,
      inode_dio_wait_interruptible: true,
    },
  },
  {
    name: 'fallocate-nowait',
    doc: 'v6.6-rc7 plus a hypothetical fallocate that returns -EAGAIN while direct I/O is in flight',
    config: { ...base, release: '6.6.0-rc7+', io_uring_dio_caller_comp: true, fallocate_nowait: true },
  },
];

/** Looks a variant up by name. */
export function variant(name: string): Variant {
  const v = VARIANTS.find((x) => x.name === name);
  if (!v) {
    throw new LockstepError(
      'E_UNKNOWN_VARIANT',
      `unknown kernel variant '${name}'`,
      `choose one of: ${VARIANTS.map((x) => x.name).join(', ')} (see 'lockstep list')`,
    );
  }
  return v;
}

function parseValue(k: ConfigKey, raw: string): boolean | number | string {
  if (k.type === 'bool') {
    if (raw === '1' || raw === 'true' || raw === 'y') return true;
    if (raw === '0' || raw === 'false' || raw === 'n') return false;
  } else if (k.type === 'int') {
    if (/^\d{1,9}$/.test(raw)) return Number(raw);
  } else if (/^[\w.+-]{1,64}$/.test(raw)) {
    return raw;
  }
  const want =
    k.type === 'bool' ? '1 or 0' : k.type === 'int' ? 'a non-negative integer' : 'letters, digits, . + - _';
  throw new LockstepError(
    'E_BAD_CONFIG_VALUE',
    `bad value '${raw}' for config key '${k.key}'`,
    `use ${want}`,
  );
}

/** Applies `key=value` overrides, in order, to a variant's config. */
export function applyOverrides(
  config: KernelConfig,
  overrides: readonly (readonly [string, string])[],
): KernelConfig {
  const out: Record<string, unknown> = { ...config };
  for (const [key, raw] of overrides) {
    const k = CONFIG_KEYS.find((x) => x.key === key);
    if (!k) {
      throw new LockstepError(
        'E_UNKNOWN_CONFIG',
        `unknown config key '${key}'`,
        `known keys: ${CONFIG_KEYS.map((x) => x.key).join(', ')}`,
      );
    }
    out[key] = parseValue(k, raw);
  }
  return out as unknown as KernelConfig;
}

/** Prints a config value the way `--config` takes it. */
export function formatValue(v: unknown): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}
