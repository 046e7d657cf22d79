// The programmatic API of lockstep. The CLI calls only what is exported here.
// docs/api.md is the reference; docs/tutorial.md walks through writing a model.

export type { CheckOptions, CheckResult, Resume, StrategyName } from './api/check.js';
export { check, checkParallel, DEFAULT_CHECK, record, STRATEGIES, verdictOfResult } from './api/check.js';
export type {
  AnyModel,
  EndState,
  LockstepModel,
  ModelCx,
  ModelSpec,
  ThreadProgram,
  WorkCx,
  WorkqueueOptions,
} from './api/model.js';
export { assert, defineModel, isModel, ModelSetup, progress } from './api/model.js';
export type { Checkable, CheckModelOptions, ModelTargetOptions } from './api/model-target.js';
export {
  checkModel,
  decodeModelToken,
  modelTarget,
  PLAIN_VARIANT,
  replayModel,
  targetsOf,
} from './api/model-target.js';
export type { CustomBuild, Target } from './api/target.js';
export { decodeToken, encodeToken, modelOf, resolveTarget } from './api/target.js';
export type { UserScenario } from './api/user-scenario.js';
export { defineScenario, isUserScenario, userScenarioTarget } from './api/user-scenario.js';
export type {
  Benchmark,
  FilesystemOptions,
  IndexerOptions,
  PhilosophersOptions,
  ReadersWritersOptions,
} from './benchmarks/index.js';
export {
  benchmark,
  filesystem,
  indexer,
  lastzero,
  philosophers,
  readersWriters,
} from './benchmarks/index.js';
export type { Actor, ActorKind, ActorStatus, HeldLock } from './core/actor.js';
export type { ErrorCode } from './core/errors.js';
export { LockstepError, ModelAssertion } from './core/errors.js';
export type { Cx, FnInfo } from './core/frames.js';
export { kfunc, modelFunctions } from './core/frames.js';
export type { Op, Program, Provider, SimObject, SleepState, WaitInfo } from './core/op.js';
export { access, atomic, guarded, run } from './core/op.js';
export { Prng } from './core/prng.js';
export type { ProgressLog } from './core/progress.js';
export { markProgress, progressSlot } from './core/progress.js';
export type { Choice, Schedule } from './core/schedule.js';
export { decodeSchedule, encodeSchedule } from './core/schedule.js';
export type { StepRecord } from './core/world.js';
export { World } from './core/world.js';
export type { WorkUnit } from './explore/coordinator.js';
export { ParallelSearch } from './explore/coordinator.js';
export { DfsStrategy } from './explore/dfs.js';
export type { DporMode, DporOptions, Event as DporEvent } from './explore/dpor.js';
export { DporStrategy } from './explore/dpor.js';
export type { DporSnapshot, Partition, Unit, UnitResult } from './explore/dpor-data.js';
export type { Execution, Model, Outcome } from './explore/execute.js';
export { execute } from './explore/execute.js';
export type {
  Counterexample,
  ExploreHooks,
  ExploreLimits,
  ExploreProgress,
  ExploreResult,
  StopReason,
} from './explore/explore.js';
export { explore } from './explore/explore.js';
export type { CountedExecution, SwitchCount } from './explore/guided.js';
export { GuidedStrategy, preemptions, runCounted, SwitchCounter } from './explore/guided.js';
export type { CycleStep, FairHint, LivelockCycle } from './explore/livelock.js';
export { DEFAULT_LIVELOCK_BOUND, LivelockMonitor, shortestPeriod } from './explore/livelock.js';
export type { ParallelOptions, ParallelResult, UnitRunner } from './explore/parallel.js';
export { exploreParallel } from './explore/parallel.js';
export type { PctOptions } from './explore/pct.js';
export { DEFAULT_PCT_DEPTH, PctStrategy } from './explore/pct.js';
export { RandomStrategy } from './explore/random.js';
export { ReplayStrategy } from './explore/replay.js';
export type { ShrinkCost, ShrinkOptions, ShrinkResult } from './explore/shrink.js';
export { DEFAULT_MAX_REPLAYS, shrink, shrinkCounterexample, verdictKey } from './explore/shrink.js';
export type { ChoicePoint, Strategy } from './explore/strategy.js';
export { fairOrder, preferLast } from './explore/strategy.js';
export type { UnitOutcome } from './explore/unit-run.js';
export { runUnit } from './explore/unit-run.js';
// The kernel side, for scenarios (defineScenario): the machine, the task context, user-space calls.
export type { FsName, MachineSetup } from './kernel/boot.js';
export type { ConfigKey, KernelConfig, Variant } from './kernel/config.js';
export { CONFIG_KEYS, VARIANTS, variant } from './kernel/config.js';
export { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE, O_DIRECT } from './kernel/fs/fs.js';
export {
  IORING_SETUP_COOP_TASKRUN,
  IORING_SETUP_DEFER_TASKRUN,
  IORING_SETUP_SINGLE_ISSUER,
  IORING_SETUP_TASKRUN_FLAG,
  IOSQE_ASYNC,
  RWF_NOWAIT,
} from './kernel/io_uring/types.js';
export type { Kcx } from './kernel/sched.js';
export * from './lockdep/index.js';
export { renderHtml } from './report/html/page.js';
export { checkDocument, checkJson, JSON_FORMAT_VERSION } from './report/json.js';
export { checkText, exploreSummary, problemReport } from './report/text.js';
export { traceDocument } from './report/trace/build.js';
export { TRACE_SCHEMA } from './report/trace/schema.js';
export type { TraceDocument } from './report/trace/types.js';
export { TRACE_FORMAT_VERSION } from './report/trace/types.js';
export { parseTrace, validateTrace } from './report/trace/validate.js';
export { SCENARIOS, scenario } from './scenarios/index.js';
export type { ExpectedVerdict, ParamSpec, Params, Scenario, UserTask } from './scenarios/scenario.js';
export { choiceParam, intParam } from './scenarios/scenario.js';
export {
  fallocate,
  ftruncate,
  kill,
  MiB,
  O_RDWR,
  open,
  openDirect,
  posix_fallocate,
  pwrite,
  retry_eagain,
  sigaction,
} from './scenarios/user/libc.js';
export type { IoUring, SqeOptions } from './scenarios/user/liburing.js';
export {
  io_uring_prep_write,
  io_uring_queue_init,
  io_uring_submit,
  io_uring_wait_cqe,
  io_uring_wait_cqe_nr,
} from './scenarios/user/liburing.js';
export type { Completion } from './sync/completion.js';
export {
  complete,
  complete_all,
  completion_done,
  DECLARE_COMPLETION,
  reinit_completion,
  try_wait_for_completion,
  wait_for_completion,
} from './sync/completion.js';
export type { LockClass, LockCx } from './sync/lock-class.js';
export { lockClass } from './sync/lock-class.js';
export type { Mutex } from './sync/mutex.js';
export { DEFINE_MUTEX, mutex_is_locked, mutex_lock, mutex_trylock, mutex_unlock } from './sync/mutex.js';
export {
  down_read,
  down_read_trylock,
  down_write,
  down_write_trylock,
  downgrade_write,
  RwSemaphore,
  up_read,
  up_write,
} from './sync/rwsem.js';
export type { SharedVar } from './sync/shared.js';
export { READ_ONCE, shared, update, WRITE_ONCE } from './sync/shared.js';
export type { Spinlock } from './sync/spinlock.js';
export { DEFINE_SPINLOCK, spin_lock, spin_trylock, spin_unlock } from './sync/spinlock.js';
export { retry_until } from './sync/wait.js';
export type { TaskState, TaskStateVar, WaitQueueHead } from './sync/waitqueue.js';
export {
  DECLARE_WAIT_QUEUE_HEAD,
  finish_wait,
  prepare_to_wait,
  schedule,
  set_current_state,
  TASK_INTERRUPTIBLE,
  TASK_RUNNING,
  TASK_UNINTERRUPTIBLE,
  task_state,
  wake_up,
  wake_up_process,
} from './sync/waitqueue.js';
export type { Workqueue, WorkStruct } from './sync/workqueue.js';
export { alloc_workqueue, flush_work, flush_workqueue, INIT_WORK, queue_work } from './sync/workqueue.js';
