import { readFileSync } from 'node:fs';
import type { CheckOptions, CheckResult, Resume } from '../api/check.js';
import { type Target, targetHeader } from '../api/target.js';
import { LockstepError } from '../core/errors.js';
import { emit } from './output.js';

// Checkpoints of long runs: a check stopped by --max-time or Ctrl-C writes where each of its DPOR
// searches stopped; `check ... --resume FILE` continues them to the end one run would reach. A
// search on worker threads (--workers) saves its coordinator's state, and resumes with --workers.

/** The options a resumed search must share with the one it continues. */
function searchOptions(o: CheckOptions) {
  return {
    strategy: o.strategy,
    maxSteps: o.maxSteps,
    preemptionBound: o.preemptionBound ?? null,
    partition: o.partition ?? null,
  };
}

interface Entry {
  readonly target: string;
  readonly options: ReturnType<typeof searchOptions>;
  readonly resume: Resume;
}

interface CheckpointFile {
  readonly format: 'lockstep-checkpoint';
  readonly version: 1;
  readonly entries: Entry[];
}

/** A search's state on one thread (`DporStrategy`), or a parallel search's (`ParallelSearch`). */
const SEARCH_FORMATS: readonly string[] = ['lockstep-dpor', 'lockstep-parallel-dpor'];

const HINT = 'pass a file that lockstep check wrote when it stopped early (--max-time or Ctrl-C)';

/** Reads a checkpoint file; E_BAD_CHECKPOINT when it is not one. */
export function readCheckpoint(path: string): CheckpointFile {
  let doc: CheckpointFile;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new LockstepError('E_BAD_CHECKPOINT', `cannot read checkpoint ${path}: ${why}`, HINT);
  }
  if (doc?.format !== 'lockstep-checkpoint' || doc.version !== 1 || !Array.isArray(doc.entries)) {
    throw new LockstepError('E_BAD_CHECKPOINT', `${path} is not a lockstep checkpoint`, HINT);
  }
  for (const e of doc.entries) {
    const s = e?.resume?.search;
    if (!SEARCH_FORMATS.includes(s?.format) || s.version !== 1) {
      throw new LockstepError(
        'E_BAD_CHECKPOINT',
        `${path} holds a search state this lockstep cannot read`,
        HINT,
      );
    }
  }
  return doc;
}

/**
 * Where to resume each target from: its entry in the checkpoint, or none (it runs from the start).
 * A checkpoint that matches no target, or one made with other search options, is E_CHECKPOINT_MISMATCH.
 */
export function resumesFor(
  file: CheckpointFile,
  path: string,
  targets: readonly Target[],
  options: CheckOptions,
): (Resume | undefined)[] {
  const want = JSON.stringify(searchOptions(options));
  const out = targets.map((t) => {
    const e = file.entries.find((x) => x.target === targetHeader(t));
    if (e && JSON.stringify(e.options) !== want) {
      throw new LockstepError(
        'E_CHECKPOINT_MISMATCH',
        `checkpoint ${path} was made with other search options (${JSON.stringify(e.options)})`,
        'resume with the options of the run that wrote it: --strategy, --max-steps, --preemption-bound, --shard',
      );
    }
    return e?.resume;
  });
  if (out.every((r) => r === undefined)) {
    throw new LockstepError(
      'E_CHECKPOINT_MISMATCH',
      `checkpoint ${path} is for ${file.entries.map((e) => e.target).join(', ') || 'nothing'}, not for this check`,
      'resume with the scenario, --kernel, --param and --config of the run that wrote it',
    );
  }
  return out;
}

/** Writes the searches that stopped early to `path` (whole or not at all); false when none did. */
export function writeCheckpoint(
  path: string,
  results: readonly CheckResult[],
  options: CheckOptions,
): boolean {
  const entries: Entry[] = results.flatMap((r) =>
    r.resume ? [{ target: targetHeader(r.target), options: searchOptions(options), resume: r.resume }] : [],
  );
  if (entries.length === 0) return false;
  const doc: CheckpointFile = { format: 'lockstep-checkpoint', version: 1, entries };
  emit(`${JSON.stringify(doc)}\n`, path);
  return true;
}
