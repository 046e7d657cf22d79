// The standalone lockdep validator: lock maps and tasks in, kernel-format reports out.

export type {
  LockClass,
  LockClassKey,
  LockMap,
  LockMapInit,
  LockType,
  Primitive,
  Trace,
  Validation,
  WaitTypes,
} from './class.js';
export { className, LD_WAIT, lockKey, lockMap, MAX_LOCKDEP_SUBCLASSES, primitiveWait } from './class.js';
export type { Limits } from './core.js';
export { DEFAULT_LIMITS } from './core.js';
export type { KernelIdent } from './format.js';
export { DEFAULT_IDENT } from './format.js';
export { DEP } from './graph.js';
export type { HeldLock, ReadMode } from './held.js';
export { MAX_LOCK_DEPTH, Task } from './held.js';
export type { LockdepReport, ReportKind } from './report.js';
export { LOCK, usageChars, usageName } from './usage.js';
export type {
  AcquireOptions,
  DependencyEdge,
  SiteOptions,
  ValidatorOptions,
  ValidatorStats,
} from './validator.js';
export { Validator } from './validator.js';
