import type { Program } from '../core/op.js';
import type { MachineSetup } from '../kernel/boot.js';
import type { Kcx } from '../kernel/sched.js';

/** A verdict a scenario expects on a kernel variant. */
export type ExpectedVerdict = 'deadlock' | 'livelock' | 'assertion' | 'lockdep' | 'ok';

/** An integer scenario parameter (`--param loops=3`). */
export interface IntParamSpec {
  readonly name: string;
  readonly doc: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** A scenario parameter that takes one of a few names (`--param fs=ext4`). */
export interface ChoiceParamSpec {
  readonly name: string;
  readonly doc: string;
  readonly default: string;
  readonly values: readonly string[];
}

/** A scenario parameter (`--param key=value`). */
export type ParamSpec = IntParamSpec | ChoiceParamSpec;

/** Parameter values by name. */
export type Params = Readonly<Record<string, number | string>>;

/** An integer parameter's value. */
export function intParam(p: Params, name: string): number {
  const v = p[name];
  if (typeof v !== 'number') throw new Error(`scenario parameter '${name}' is not an integer`);
  return v;
}

/** A choice parameter's value. */
export function choiceParam<T extends string>(p: Params, name: string): T {
  const v = p[name];
  if (typeof v !== 'string') throw new Error(`scenario parameter '${name}' is not a choice`);
  return v as T;
}

/** How a parameter's range reads in `lockstep list` and in errors: `1..8` or `xfs|ext4`. */
export function paramRange(spec: ParamSpec): string {
  return 'values' in spec ? spec.values.join('|') : `${spec.min}..${spec.max}`;
}

/** A user task of a scenario: its comm, pid and program. */
export interface UserTask {
  readonly comm: string;
  readonly pid: number;
  readonly program: (cx: Kcx) => Program<void>;
}

/** A named scenario: machine setup, user programs, and the verdict expected on each variant. */
export interface Scenario {
  readonly name: string;
  /** One line for `lockstep list`. */
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Expected verdict per variant name, with default parameters. */
  readonly expect: Readonly<Record<string, ExpectedVerdict>>;
  readonly setup: (p: Params) => MachineSetup;
  readonly tasks: (p: Params) => readonly UserTask[];
}
