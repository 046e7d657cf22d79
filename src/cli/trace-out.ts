// `check --trace FILE --html FILE` and `view TRACE [-o FILE]`: the trace document and the HTML page
// of a counterexample, written whole or not at all.

import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CheckResult } from '../api/check.js';
import { LockstepError } from '../core/errors.js';
import { renderHtml } from '../report/html/page.js';
import { traceDocument } from '../report/trace/build.js';
import type { TraceDocument } from '../report/trace/types.js';
import { parseTrace } from '../report/trace/validate.js';

/** Where `check` writes the counterexample. */
export interface TraceOutputs {
  readonly trace?: string;
  readonly html?: string;
}

/** Fails early, before any exploration, when an output's directory does not exist. */
export function checkOutputPaths(o: TraceOutputs): void {
  for (const [flag, path] of [
    ['--trace', o.trace],
    ['--html', o.html],
  ] as const) {
    if (path === undefined) continue;
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new LockstepError(
        'E_WRITE',
        `${flag} ${path}: directory '${dir}' does not exist`,
        'create it first',
      );
    }
  }
}

/** Writes `text` to a temporary file beside `path`, then renames it: readers never see half a file. */
export function writeWhole(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    const why = e instanceof Error ? e.message : String(e);
    throw new LockstepError('E_WRITE', `cannot write ${path}: ${why}`, 'check the path and its permissions');
  }
}

function writeDocument(doc: TraceDocument, o: TraceOutputs): string[] {
  const notes: string[] = [];
  if (o.trace) {
    writeWhole(o.trace, `${JSON.stringify(doc, null, 1)}\n`);
    notes.push(`wrote trace ${o.trace}`);
  }
  if (o.html) {
    writeWhole(o.html, renderHtml(doc));
    notes.push(`wrote report ${o.html}`);
  }
  return notes;
}

/**
 * Writes the trace and page of the first counterexample, in the order the variants were checked;
 * returns the notes for stderr (which problem was written, or that there was none).
 */
export function writeCounterexample(results: readonly CheckResult[], o: TraceOutputs): string[] {
  if (!o.trace && !o.html) return [];
  const problems = results.filter((r) => r.token !== null && r.execution !== null);
  const first = problems[0];
  if (!first) {
    const files = [o.trace, o.html].filter(Boolean).join(' and ');
    return [`no counterexample on any variant checked, so ${files} not written`];
  }
  const notes = writeDocument(traceDocument(first.target, first.token!, first.execution!), o);
  if (problems.length > 1) {
    notes.push(
      `these show the problem on ${first.target.variant}, the first of ${problems.length}; use --kernel to pick another`,
    );
  }
  return notes;
}

/** The default page path of a trace: `x.json` -> `x.html`. */
export function defaultHtmlPath(tracePath: string): string {
  return tracePath.replace(/(\.json)?$/, '.html');
}

/** `lockstep view`: validates a saved trace and renders its page. */
export function viewTrace(tracePath: string, output?: string): string {
  let text: string;
  try {
    text = readFileSync(tracePath, 'utf8');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new LockstepError(
      'E_BAD_TRACE',
      `cannot read ${tracePath}: ${why}`,
      'give the path of a trace file',
    );
  }
  const doc = parseTrace(text);
  const out = output ?? defaultHtmlPath(tracePath);
  checkOutputPaths({ html: out });
  return writeDocument(doc, { html: out })[0]!;
}
