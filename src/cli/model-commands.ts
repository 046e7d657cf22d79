import { DEFAULT_CHECK } from '../api/check.js';
import { decodeModelToken, targetsOf } from '../api/model-target.js';
import { targetHeader } from '../api/target.js';
import { checkDocument } from '../report/json.js';
import { checkText } from '../report/text.js';
import { loadModelFile } from './load-model.js';
import { emit } from './output.js';
import { parseCount, parsePairs } from './parse.js';
import { replayOutput } from './replay-out.js';
import { checkEach, checkOptionsOf, type ExploreFlags } from './run-control.js';

/** The flags `lockstep check` takes, as commander gives them. */
export interface ModelCheckFlags extends ExploreFlags {
  kernel?: string;
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
  const options = checkOptionsOf(flags);

  const config = parsePairs('--config', flags.config);
  const params = parsePairs('--param', flags.param);
  const file = await loadModelFile(spec);
  const kernels = flags.kernel?.split(',');
  // Resolve every target before running any, so bad input fails before output starts.
  const targets = file.models.flatMap((m) =>
    targetsOf(m, { params, config, maxSteps: options.maxSteps, kernels }),
  );
  const results = await checkEach(targets, flags, (t) => ({
    kind: 'model',
    spec,
    config,
    params,
    kernels,
    header: targetHeader(t),
  }));
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
  flags: { json?: boolean; livelockBound: string },
): Promise<number> {
  const bound = parseCount('--livelock-bound', flags.livelockBound, 0);
  const file = await loadModelFile(modelFile);
  const { target, schedule } = decodeModelToken(token, file.models, DEFAULT_CHECK.maxSteps);
  const out = replayOutput(
    target,
    schedule,
    token,
    flags.json,
    'the model changed since the token was printed; run lockstep check on it again for a fresh token',
    bound,
  );
  emit(out);
  return 1;
}
