import { readFileSync } from 'node:fs';
import { decodeToken } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import type { Partition } from '../explore/dpor-data.js';
import type { ExploreResult, StopReason } from '../explore/explore.js';
import { JSON_FORMAT_VERSION } from '../report/json.js';
import { exploreSummary } from '../report/text.js';
import { replayOutput } from './replay-out.js';

// A search cut into shards (`check --shard i/N`), run by separate processes or machines, and their
// JSON results merged (`lockstep merge`).

/** Parses `--shard i/N` (0 <= i < N). */
export function parseShard(text: string): Partition {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  const shard = Number(m?.[1]);
  const shards = Number(m?.[2]);
  if (!m || shards < 1 || shard >= shards) {
    throw new LockstepError(
      'E_BAD_SHARD',
      `bad shard '${text}'`,
      'use --shard i/N with 0 <= i < N, e.g. --shard 0/4 ... --shard 3/4',
    );
  }
  return { shard, shards };
}

/** What merge reads of one result of `check --json`. */
interface ShardResult {
  readonly scenario: string;
  readonly params: unknown;
  readonly variant: string;
  readonly config: unknown;
  readonly verdict: string;
  readonly token: string | null;
  readonly expected: string | null;
  readonly exploration: {
    readonly strategy: string;
    readonly complete: boolean;
    readonly stop: StopReason;
    readonly executions: number;
    readonly traces: number | null;
    readonly prunedBySleepSets: number;
    readonly cutAtStepBound: number;
    readonly cutAsUnfair?: number;
    readonly steps: number;
    readonly maxDepth: number;
    readonly shard: { readonly index: number; readonly count: number } | null;
  };
  readonly [key: string]: unknown;
}

/** One target's merged result. */
export interface Merged {
  readonly name: string;
  /** The result of the lowest shard that found a problem, else shard 0's. */
  readonly first: ShardResult;
  readonly shards: readonly ShardResult[];
  readonly explore: ExploreResult;
}

const BAD_HINT = "merge the files 'lockstep check ... --shard i/N --json --output FILE' wrote";

function readResults(path: string): ShardResult[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new LockstepError('E_BAD_RESULT', `cannot read ${path} as a check result: ${why}`, BAD_HINT);
  }
  const d = doc as { format?: unknown; version?: unknown; results?: unknown };
  if (d?.format !== 'lockstep-check' || d.version !== JSON_FORMAT_VERSION || !Array.isArray(d.results)) {
    throw new LockstepError(
      'E_BAD_RESULT',
      `${path} is not a lockstep-check v${JSON_FORMAT_VERSION} document`,
      BAD_HINT,
    );
  }
  for (const r of d.results as ShardResult[]) {
    if (!r?.exploration?.shard || typeof r.exploration.executions !== 'number') {
      throw new LockstepError(
        'E_BAD_RESULT',
        `${path} holds a result of a search that was not sharded`,
        BAD_HINT,
      );
    }
  }
  return d.results as ShardResult[];
}

function nameOf(r: ShardResult): string {
  return typeof r.name === 'string' ? r.name : `${r.scenario} on ${r.variant}`;
}

/** Merges the shards of each target: every shard 0..N-1 exactly once, all of one search. */
export function mergeResults(files: readonly string[]): Merged[] {
  const groups = new Map<string, ShardResult[]>();
  for (const f of files) {
    for (const r of readResults(f)) {
      const key = JSON.stringify([r.scenario, r.params, r.variant, r.config]);
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
  }
  const out: Merged[] = [];
  for (const g of groups.values()) {
    const name = nameOf(g[0]!);
    const count = g[0]!.exploration.shard!.count;
    const strategy = g[0]!.exploration.strategy;
    const byIndex: ShardResult[] = [];
    for (const r of g) {
      const s = r.exploration.shard!;
      if (s.count !== count || r.exploration.strategy !== strategy) {
        throw new LockstepError(
          'E_MERGE_MISMATCH',
          `${name}: the results come from different searches (shards of ${count} and ${s.count}, or strategies '${strategy}' and '${r.exploration.strategy}')`,
          'merge the shards of one search: the same command with --shard 0/N ... N-1/N',
        );
      }
      if (byIndex[s.index]) {
        throw new LockstepError(
          'E_MERGE_DUPLICATE',
          `${name}: shard ${s.index}/${count} is given twice`,
          'pass each shard once',
        );
      }
      byIndex[s.index] = r;
    }
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex[i]);
    if (missing.length > 0) {
      throw new LockstepError(
        'E_MERGE_MISSING',
        `${name}: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
        'a merged result needs every shard of the search',
      );
    }
    const first = byIndex.find((r) => r.exploration.stop === 'found') ?? byIndex[0]!;
    const sum = (f: (r: ShardResult) => number): number => byIndex.reduce((n, r) => n + f(r), 0);
    const stop: StopReason = byIndex.some((r) => r.exploration.stop === 'found')
      ? 'found'
      : (byIndex.find((r) => r.exploration.stop !== 'exhausted')?.exploration.stop ?? 'exhausted');
    out.push({
      name,
      first,
      shards: byIndex,
      explore: {
        strategy,
        executions: sum((r) => r.exploration.executions),
        steps: sum((r) => r.exploration.steps),
        maxDepth: Math.max(...byIndex.map((r) => r.exploration.maxDepth)),
        cut: sum((r) => r.exploration.cutAtStepBound),
        pruned: sum((r) => r.exploration.prunedBySleepSets),
        unfair: sum((r) => r.exploration.cutAsUnfair ?? 0),
        // Shards may run the same trace: their traces do not add up.
        traces: null,
        stop,
        complete: byIndex.every((r) => r.exploration.complete),
        found: null,
      },
    });
  }
  return out;
}

function mergedJson(m: Merged) {
  const { exploration: _, ...problem } = m.first;
  const e = m.explore;
  return {
    ...problem,
    exploration: {
      strategy: e.strategy,
      complete: e.complete,
      stop: e.stop,
      executions: e.executions,
      traces: e.traces,
      prunedBySleepSets: e.pruned,
      cutAtStepBound: e.cut,
      ...(e.unfair ? { cutAsUnfair: e.unfair } : {}),
      steps: e.steps,
      maxDepth: e.maxDepth,
      shard: null,
      shards: m.shards.map((r) => ({
        index: r.exploration.shard!.index,
        executions: r.exploration.executions,
        stop: r.exploration.stop,
      })),
    },
  };
}

/** The report of a merged problem: the full one when the token replays here (a scenario), else its token. */
function problemText(m: Merged): string {
  const token = m.first.token!;
  try {
    const { target, schedule } = decodeToken(token);
    return replayOutput(target, schedule, token, false, 'the shards were run by another version of lockstep');
  } catch (e) {
    if (!(e instanceof LockstepError) || e.code !== 'E_TOKEN_MODEL') throw e;
    return `${nameOf(m.first)}: ${m.first.verdict.toUpperCase()}\nreplay: ${token}\n  (lockstep replay <token> --model <file> prints the report)\n`;
  }
}

function mergedText(m: Merged): string {
  const per = m.shards.map((r) => r.exploration.executions).join(' + ');
  const head = m.first.token
    ? problemText(m)
    : m.explore.complete
      ? `${m.name}: ok: no deadlock and no failed assertion in any schedule\n`
      : `${m.name}: no problem found (exploration incomplete)\n`;
  const where = m.first.token ? `, found by shard ${m.first.exploration.shard!.index}` : '';
  return `${head}\n${exploreSummary(m.explore)}\nshards: ${m.shards.length} (${per} executions${where})\n`;
}

/** Renders merged results as `check` would (text, or a lockstep-check JSON document). */
export function mergedOutput(merged: readonly Merged[], json: boolean | undefined): string {
  if (json) {
    const doc = { format: 'lockstep-check', version: JSON_FORMAT_VERSION, results: merged.map(mergedJson) };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  return merged.map(mergedText).join('\n');
}

/** Exit status of merged results: 1 when a shard found a problem. */
export function mergedStatus(merged: readonly Merged[]): number {
  return merged.some((m) => m.first.token !== null) ? 1 : 0;
}
