import { LockstepError } from '../core/errors.js';
import { checksum, decodeSchedule, encodeSchedule, type Schedule } from '../core/schedule.js';
import type { World } from '../core/world.js';
import type { Model, ModelReport } from '../explore/execute.js';
import { Kernel } from '../kernel/boot.js';
import { applyOverrides, type KernelConfig, variant } from '../kernel/config.js';
import { resolveParams, scenario } from '../scenarios/index.js';
import type { ExpectedVerdict, Params, Scenario } from '../scenarios/scenario.js';
import { deptCheck } from '../sync/dept-wire.js';
import { LockdepSession, lockdepReport } from '../sync/lockdep-wire.js';

/** What is checked: a scenario with its parameters, on a kernel variant with config overrides. */
export interface Target {
  readonly scenario: Scenario;
  readonly params: Params;
  /** Overrides as given, `key=value` strings, in order. */
  readonly paramOverrides: readonly (readonly [string, string])[];
  readonly variant: string;
  readonly config: KernelConfig;
  readonly configOverrides: readonly (readonly [string, string])[];
  /** Set for a user model (`defineModel`, a model file): it builds its own executions (api/model-target.ts). */
  readonly custom?: CustomBuild;
}

/** How a user model's target builds executions, and the fingerprint its replay tokens carry. */
export interface CustomBuild {
  /** A checksum of the model's definition: a token from another version of it is refused. */
  readonly fingerprint: string;
  model(t: Target): Model;
}

/** Resolves names and overrides into a target; unknown names and bad values are LockstepErrors. */
export function resolveTarget(
  scenarioName: string,
  variantName: string,
  configOverrides: readonly (readonly [string, string])[] = [],
  paramOverrides: readonly (readonly [string, string])[] = [],
): Target {
  const s = scenario(scenarioName);
  const v = variant(variantName);
  return {
    scenario: s,
    params: resolveParams(s, paramOverrides),
    paramOverrides,
    variant: v.name,
    config: applyOverrides(v.config, configOverrides),
    configOverrides,
  };
}

/**
 * The model of a target: boot the kernel, then start the scenario's user tasks. With CONFIG_LOCKDEP
 * every execution feeds one lockdep validator, made here (once per exploration), like lockdep
 * across a boot; its first report ends the execution with a `lockdep` verdict.
 */
export function modelOf(t: Target): Model {
  return t.custom ? t.custom.model(t) : scenarioModel(t);
}

/** The model of a kernel scenario (built in, or a user's `Scenario`): boot the kernel, start its tasks. */
export function scenarioModel(t: Target): Model {
  return new ScenarioModel(t);
}

/**
 * A scenario's model, of one class: with `--workers`, every unit gets a model of its own (its own
 * lockdep), and the search's `execute` calls `model.build` and `model.report` on each. As object
 * literals (`{ ...model, report }`), the models changed hidden class after the first dozen and each
 * brought its own `build` closure: on falloc-dio loops=4 on 2 threads, `execute` was thrown out of
 * optimized code 9 times and compiled 17 times (4 on one thread); as one class, 6 times.
 */
class ScenarioModel implements Model {
  private readonly lockdep: LockdepSession | null;
  private readonly dept: boolean;

  constructor(private readonly t: Target) {
    this.lockdep = t.config.lockdep ? new LockdepSession({ release: t.config.release }) : null;
    this.dept = t.config.dept;
  }

  build(world: World): void {
    const t = this.t;
    const k = new Kernel(world, t.config, t.scenario.setup(t.params), this.lockdep);
    for (const task of t.scenario.tasks(t.params)) k.spawnUserTask(task.comm, task.pid, task.program);
  }

  /** The report of the checkers this config turns on (lockdep first), after each step. */
  report(world: World): ModelReport | null {
    return (this.lockdep ? lockdepReport(world) : null) ?? (this.dept ? deptCheck(world) : null);
  }
}

function pairs(list: readonly (readonly [string, string])[]): string {
  return list.map(([k, v]) => `,${k}=${v}`).join('');
}

/** The target part of a token: `scenario[,param=v]*@variant[,key=v]*`. */
export function targetHeader(t: Target): string {
  const fp = t.custom ? `#${t.custom.fingerprint}` : '';
  return `${t.scenario.name}${fp}${pairs(t.paramOverrides)}@${t.variant}${pairs(t.configOverrides)}`;
}

/** A replay token: `<target>:<schedule>:<checksum>`, e.g. `falloc-dio@v6.6-rc7:c21a5:0k3f`. */
export function encodeToken(t: Target, schedule: Schedule): string {
  const body = `${targetHeader(t)}:${encodeSchedule(schedule)}`;
  return `${body}:${checksum(body)}`;
}

const HINT = "copy the whole token that 'lockstep check' printed after 'replay:'";

/** Splits `name,k=v,k=v` into the name and its pairs; a malformed pair is E_BAD_TOKEN. */
export function splitPairs(text: string, what: string): [string, [string, string][]] {
  const [name, ...rest] = text.split(',');
  const out: [string, string][] = [];
  for (const kv of rest) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new LockstepError('E_BAD_TOKEN', `malformed ${what} override '${kv}' in token`, HINT);
    out.push([kv.slice(0, eq), kv.slice(eq + 1)]);
  }
  return [name ?? '', out];
}

/** Parses a replay token back into its target and schedule. */
export function decodeToken(token: string): { target: Target; schedule: Schedule } {
  const text = token.trim();
  const parts = text.split(':');
  if (parts.length !== 3 || !parts[0]!.includes('@')) {
    throw new LockstepError(
      'E_BAD_TOKEN',
      `malformed replay token '${text}'`,
      `${HINT}; it looks like scenario@variant:schedule:check`,
    );
  }
  const [header, sched, sum] = parts as [string, string, string];
  if (checksum(`${header}:${sched}`) !== sum) {
    throw new LockstepError(
      'E_TOKEN_CHECKSUM',
      'replay token checksum does not match',
      `the token was changed or cut; ${HINT}`,
    );
  }
  const at = header.indexOf('@');
  const [scenarioName, params] = splitPairs(header.slice(0, at), 'parameter');
  if (scenarioName.includes('#')) {
    throw new LockstepError(
      'E_TOKEN_MODEL',
      `replay token is for model '${scenarioName.split('#')[0]}' from a model file`,
      'pass the file it came from: lockstep replay <token> --model ./path/model.ts',
    );
  }
  const [variantName, config] = splitPairs(header.slice(at + 1), 'config');
  const schedule = decodeSchedule(sched);
  // An empty schedule is a problem found before any step (a thread that waits at once).
  if (schedule === null) {
    throw new LockstepError('E_BAD_TOKEN', `malformed schedule '${sched}' in replay token`, HINT);
  }
  return { target: resolveTarget(scenarioName, variantName, config, params), schedule };
}

/**
 * The verdict the scenario states for this variant, when the target is the scenario as stated:
 * no config overrides and every parameter at its default. Otherwise undefined.
 */
export function expectedVerdict(t: Target): ExpectedVerdict | undefined {
  if (t.configOverrides.length > 0) return undefined;
  if (t.scenario.params.some((p) => t.params[p.name] !== p.default)) return undefined;
  return t.scenario.expect[t.variant];
}
