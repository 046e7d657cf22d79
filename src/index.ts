// The programmatic API of lockstep. The CLI calls only what is exported here.

export type { CheckOptions, CheckResult, StrategyName } from './api/check.js';
export { check, DEFAULT_CHECK, record } from './api/check.js';
export type { Target } from './api/target.js';
export { decodeToken, encodeToken, modelOf, resolveTarget } from './api/target.js';
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
export type { Choice, Schedule } from './core/schedule.js';
export { decodeSchedule, encodeSchedule } from './core/schedule.js';
export type { StepRecord } from './core/world.js';
export { World } from './core/world.js';
export { DfsStrategy } from './explore/dfs.js';
export type { Execution, Model, Outcome } from './explore/execute.js';
export { execute } from './explore/execute.js';
export type { Counterexample, ExploreLimits, ExploreResult, StopReason } from './explore/explore.js';
export { explore } from './explore/explore.js';
export type { CountedExecution, SwitchCount } from './explore/guided.js';
export { GuidedStrategy, preemptions, runCounted, SwitchCounter } from './explore/guided.js';
export type { PctOptions } from './explore/pct.js';
export { DEFAULT_PCT_DEPTH, PctStrategy } from './explore/pct.js';
export { RandomStrategy } from './explore/random.js';
export { ReplayStrategy } from './explore/replay.js';
export type { ShrinkCost, ShrinkOptions, ShrinkResult } from './explore/shrink.js';
export { DEFAULT_MAX_REPLAYS, shrink, shrinkCounterexample, verdictKey } from './explore/shrink.js';
export type { ChoicePoint, Strategy } from './explore/strategy.js';
export type { ConfigKey, KernelConfig, Variant } from './kernel/config.js';
export { CONFIG_KEYS, VARIANTS, variant } from './kernel/config.js';
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
