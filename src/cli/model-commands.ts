import { type CheckOptions, check, DEFAULT_CHECK, record, type StrategyName } from '../api/check.js';
import { decodeModelToken, targetsOf } from '../api/model-target.js';
import { LockstepError } from '../core/errors.js';
import { checkDocument, problemJson } from '../report/json.js';
import { checkText, problemReport } from '../report/text.js';
import { loadModelFile } from './load-model.js';
import { emit } from './output.js';
import { parseCount, parsePairs } from './parse.js';

/** The flags `lockstep check` takes, as commander gives them. */
export interface ModelCheckFlags {
  kernel?: string;
  strategy: StrategyName;
  seed: string;
  maxExecutions: string;
  maxSteps: string;
  config: string[];
  param: string[];
  json?: boolean;
  output?: string;
}

/**
 * `lockstep check ./model.ts[#name]`: checks every model the file exports (or the one named),
 * with the same options as a built-in scenario. Returns the exit status.
 */
export async function runModelCheck(spec: string, flags: ModelCheckFlags): Promise<number> {
  const options: CheckOptions = {
    strategy: flags.strategy,
    seed: parseCount('--seed', flags.seed, 0),
    maxExecutions: parseCount('--max-executions', flags.maxExecutions, 1),
    maxSteps: parseCount('--max-steps', flags.maxSteps, 1),
  };
  const config = parsePairs('--config', flags.config);
  const params = parsePairs('--param', flags.param);
  const file = await loadModelFile(spec);
  const kernels = flags.kernel?.split(',');
  // Resolve every target before running any, so bad input fails before output starts.
  const targets = file.models.flatMap((m) =>
    targetsOf(m, { params, config, maxSteps: options.maxSteps, kernels }),
  );
  const results = targets.map((t) => check(t, options));
  const out = flags.json
    ? `${JSON.stringify(checkDocument(results), null, 2)}\n`
    : results.map(checkText).join('\n');
  emit(out, flags.output);
  return results.some((r) => r.explore.found) ? 1 : 0;
}

/** `lockstep replay <token> --model ./model.ts`: re-runs a model file's counterexample. */
export async function runModelReplay(
  token: string,
  modelFile: string,
  flags: { json?: boolean },
): Promise<number> {
  const file = await loadModelFile(modelFile);
  const { target, schedule } = decodeModelToken(token, file.models, DEFAULT_CHECK.maxSteps);
  const ex = record(target, schedule);
  if (ex.schedule.length !== schedule.length || ex.outcome.kind === 'ok' || ex.outcome.kind === 'bound') {
    throw new LockstepError(
      'E_REPLAY_DIVERGED',
      `replay ended as '${ex.outcome.kind}' after ${ex.schedule.length} of ${schedule.length} steps`,
      'the model changed since the token was printed; run lockstep check on it again for a fresh token',
    );
  }
  const canonical = token.trim();
  const out = flags.json
    ? `${JSON.stringify({ format: 'lockstep-replay', version: 1, ...problemJson(target, canonical, ex) }, null, 2)}\n`
    : problemReport(canonical, ex);
  emit(out);
  return 1;
}
