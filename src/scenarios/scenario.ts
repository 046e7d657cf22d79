import type { Program } from '../core/op.js';
import type { MachineSetup } from '../kernel/boot.js';
import type { Kcx } from '../kernel/sched.js';

/** A verdict a scenario expects on a kernel variant. */
export type ExpectedVerdict = 'deadlock' | 'ok';

/** A scenario parameter (`--param key=value`). */
export interface ParamSpec {
  readonly name: string;
  readonly doc: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** Parameter values by name. */
export type Params = Readonly<Record<string, number>>;

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
