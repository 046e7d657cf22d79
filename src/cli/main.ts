#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { type CheckOptions, DEFAULT_CHECK, STRATEGIES } from '../api/check.js';
import { cellMatches, MATRIX_ROWS, runMatrix as matrix } from '../api/matrix.js';
import { decodeToken, resolveTarget } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import { DEFAULT_LIVELOCK_BOUND } from '../explore/livelock.js';
import { CONFIG_KEYS, formatValue, VARIANTS, variant } from '../kernel/config.js';
import { checkDocument } from '../report/json.js';
import { matrixJson, matrixMarkdown, matrixText } from '../report/matrix.js';
import { checkText } from '../report/text.js';
import { SCENARIOS, scenario } from '../scenarios/index.js';
import { paramRange } from '../scenarios/scenario.js';
import { formatError } from './errors.js';
import { isModelPath } from './load-model.js';
import { runModelCheck, runModelReplay } from './model-commands.js';
import { emit } from './output.js';
import { collect, parseCount, parsePairs } from './parse.js';
import { scenarioSource } from './pool.js';
import { replayOutput } from './replay-out.js';
import { checkEach, DEFAULT_CHECKPOINT, type ExploreFlags } from './run-control.js';
import { mergedOutput, mergedStatus, mergeResults } from './shards.js';
import { checkOutputPaths, viewTrace, writeCounterexample } from './trace-out.js';
import { runUnderWatchdog } from './watchdog.js';

interface CheckFlags extends ExploreFlags {
  kernel?: string;
  config: string[];
  param: string[];
  json?: boolean;
  trace?: string;
  html?: string;
  output?: string;
  timeout?: string;
  workers?: string;
}

function listText(): string {
  const lines = ['scenarios:'];
  for (const s of SCENARIOS) {
    const expect = Object.entries(s.expect)
      .map(([v, e]) => `${v}: ${e}`)
      .join(', ');
    lines.push(`  ${s.name.padEnd(18)} ${s.summary}`, `  ${''.padEnd(18)} expected: ${expect}`);
    for (const p of s.params) {
      lines.push(
        `  ${''.padEnd(18)} --param ${p.name}=${'values' in p ? 'NAME' : 'N'}  ${p.doc} (${paramRange(p)}, default ${p.default})`,
      );
    }
  }
  lines.push('', 'kernel variants (--kernel):');
  for (const v of VARIANTS) lines.push(`  ${v.name.padEnd(18)} ${v.doc}`);
  lines.push('', 'config keys (--config key=value; default per variant):');
  for (const k of CONFIG_KEYS) {
    const defaults = VARIANTS.map((v) => `${v.name}=${formatValue(v.config[k.key])}`).join(' ');
    lines.push(`  ${k.key.padEnd(26)} ${k.type.padEnd(6)} ${k.doc} [${defaults}]`);
  }
  return `${lines.join('\n')}\n`;
}

function listJson(): string {
  const doc = {
    format: 'lockstep-list',
    version: 1,
    scenarios: SCENARIOS.map((s) => ({
      name: s.name,
      summary: s.summary,
      expect: s.expect,
      params: s.params,
    })),
    variants: VARIANTS.map((v) => ({ name: v.name, doc: v.doc, config: v.config })),
    configKeys: CONFIG_KEYS,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

async function runCheck(name: string, flags: CheckFlags): Promise<number> {
  const s = scenario(name);
  const kernels = flags.kernel ? flags.kernel.split(',') : Object.keys(s.expect);
  const config = parsePairs('--config', flags.config);
  const params = parsePairs('--param', flags.param);
  // Resolve every target before running any, so bad input fails before output starts.
  const targets = kernels.map((k) => resolveTarget(name, k, config, params));
  checkOutputPaths(flags);
  const results = await checkEach(targets, flags, scenarioSource);
  const out = flags.json
    ? `${JSON.stringify(checkDocument(results), null, 2)}\n`
    : results.map(checkText).join('\n');
  emit(out, flags.output);
  for (const note of writeCounterexample(results, flags)) process.stderr.write(`lockstep: ${note}\n`);
  return results.some((r) => r.explore.found) ? 1 : 0;
}

/** The flags `lockstep replay` takes. */
export interface ReplayFlags {
  json?: boolean;
  model?: string;
  livelockBound: string;
}

interface MatrixFlags {
  kernel?: string;
  scenario?: string;
  format: 'text' | 'markdown' | 'json';
  maxExecutions: string;
}

function runMatrix(flags: MatrixFlags): number {
  const variants = flags.kernel ? flags.kernel.split(',') : VARIANTS.map((v) => v.name);
  for (const v of variants) variant(v);
  let rows = MATRIX_ROWS;
  if (flags.scenario) {
    const names = flags.scenario.split(',');
    for (const n of names) scenario(n);
    rows = rows.filter((r) => names.includes(r.scenario));
  }
  const options: CheckOptions = {
    ...DEFAULT_CHECK,
    maxExecutions: parseCount('--max-executions', flags.maxExecutions, 1),
  };
  const lines = matrix(rows, variants, options);
  const out =
    flags.format === 'json'
      ? `${JSON.stringify(matrixJson(lines), null, 2)}\n`
      : flags.format === 'markdown'
        ? matrixMarkdown(lines)
        : matrixText(lines);
  process.stdout.write(out);
  return lines.every((l) => l.cells.every(cellMatches)) ? 0 : 1;
}

function runReplay(token: string, flags: ReplayFlags): number {
  const bound = parseCount('--livelock-bound', flags.livelockBound, 0);
  const { target, schedule } = decodeToken(token);
  const out = replayOutput(
    target,
    schedule,
    token,
    flags.json,
    'the token was made by a different model or version; run check again for a fresh token',
    bound,
  );
  process.stdout.write(out);
  return 1;
}

function program(): Command {
  const p = new Command('lockstep')
    .description('Model-check Linux kernel I/O paths for deadlocks, hung tasks and failed assertions.')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run lockstep --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  p.command('list')
    .description('list scenarios, kernel variants and config keys')
    .option('--json', 'print as JSON')
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? listJson() : listText());
      process.exitCode = 0;
    });

  p.command('check')
    .description('explore a scenario on one or more kernel variants, or the models of a model file')
    .argument('<scenario>', "a scenario name (see 'lockstep list'), or a model file: ./model.ts[#name]")
    .option(
      '--kernel <variants>',
      'kernel variant, or several separated by commas (default: every variant the scenario states a verdict for)',
    )
    .addOption(
      new Option('--strategy <name>', 'exploration strategy')
        .choices(STRATEGIES)
        .default(DEFAULT_CHECK.strategy),
    )
    .option('--seed <n>', 'seed of the random and pct strategies', String(DEFAULT_CHECK.seed))
    .option('--depth <d>', 'bug depth of the pct strategy', '3')
    .option('--preemption-bound <n>', 'dpor: iterative context bounding up to n preemptions')
    .option('--no-shrink', 'report the counterexample as found, without shrinking it')
    .option('--max-time <seconds>', 'stop exploring after this long and print the partial result')
    .option('--progress', 'print progress on stderr even when it is not a terminal')
    .option('--max-executions <n>', 'stop after this many executions', String(DEFAULT_CHECK.maxExecutions))
    .option('--max-steps <n>', 'cut an execution after this many steps', String(DEFAULT_CHECK.maxSteps))
    .option(
      '--livelock-bound <n>',
      'report a livelock after this many steps without progress in a fair window (0: off)',
      String(DEFAULT_LIVELOCK_BOUND),
    )
    .option('--config <key=value>', 'override a kernel config key (repeatable)', collect, [])
    .option('--param <key=value>', 'set a scenario parameter (repeatable)', collect, [])
    .option('--json', 'print the results as one JSON object')
    .option('--trace <file>', 'write the counterexample as a lockstep-trace JSON file')
    .option('--html <file>', 'write the counterexample as a self-contained HTML page')
    .option('--output <file>', 'write the results to a file (whole, or not at all) instead of stdout')
    .option('--timeout <seconds>', 'run the check in a child process and stop it after this long')
    .option('--shard <i/N>', 'dpor: explore only shard i of N (0 <= i < N); lockstep merge combines them')
    .option('--workers <n>', 'dpor: run the search on n threads, this one and n - 1 workers (parallel DPOR)')
    .option(
      '--checkpoint <file>',
      `where a run stopped by --max-time or Ctrl-C saves its state (default ${DEFAULT_CHECKPOINT})`,
    )
    .option('--resume <file>', 'continue the searches a checkpoint saved')
    .action(async (name: string, flags: CheckFlags) => {
      if (flags.timeout !== undefined) {
        const seconds = parseCount('--timeout', flags.timeout, 1);
        process.exitCode = await runUnderWatchdog(process.argv.slice(2), seconds);
        return;
      }
      process.exitCode = isModelPath(name) ? await runModelCheck(name, flags) : await runCheck(name, flags);
    });

  p.command('merge')
    .description("combine the JSON results of a check's shards (check --shard i/N --json) into one")
    .argument('<files...>', "the shards' result files, every shard of each search once")
    .option('--json', 'print the result as one JSON object')
    .option('--output <file>', 'write the result to a file (whole, or not at all) instead of stdout')
    .action((files: string[], flags: { json?: boolean; output?: string }) => {
      const merged = mergeResults(files);
      emit(mergedOutput(merged, flags.json), flags.output);
      process.exitCode = mergedStatus(merged);
    });

  p.command('matrix')
    .description('check every scenario row against every kernel variant and print the verdict table')
    .option('--kernel <variants>', 'only these variants, separated by commas')
    .option('--scenario <names>', 'only the rows of these scenarios, separated by commas')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('--max-executions <n>', 'per cell', String(DEFAULT_CHECK.maxExecutions))
    .action((flags: MatrixFlags) => {
      process.exitCode = runMatrix(flags);
    });

  p.command('replay')
    .description('re-run the schedule of a replay token and print its report')
    .argument('<token>', "a token printed by 'lockstep check' after 'replay:'")
    .option('--json', 'print the result as JSON')
    .option('--model <file>', 'the model file a model token came from')
    .option(
      '--livelock-bound <n>',
      'the livelock bound the token was found with (check --livelock-bound)',
      String(DEFAULT_LIVELOCK_BOUND),
    )
    .action(async (token: string, flags: ReplayFlags) => {
      process.exitCode = flags.model
        ? await runModelReplay(token, flags.model, flags)
        : runReplay(token, flags);
    });
  p.command('view')
    .description('render a trace written by check --trace as a self-contained HTML page')
    .argument('<trace>', 'a lockstep-trace JSON file')
    .option('-o, --output <file>', 'the page to write (default: the trace path with .html)')
    .action((trace: string, flags: { output?: string }) => {
      process.stderr.write(`lockstep: ${viewTrace(trace, flags.output)}\n`);
      process.exitCode = 0;
    });
  return p;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      const msg = e.message.replace(/^error: /, '');
      process.stderr.write(
        formatError(
          new LockstepError('E_USAGE', msg, 'run lockstep --help, or lockstep <command> --help'),
          debug,
        ),
      );
      return 2;
    }
    process.stderr.write(formatError(e, debug));
    return e instanceof LockstepError ? 2 : 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
