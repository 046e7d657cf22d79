import { verdictOfResult } from '../api/check.js';
import { cellMatches, type MatrixCell, type MatrixLine } from '../api/matrix.js';
import { hungActors } from './hung-task.js';

/** The tasks a counterexample leaves stuck: `falloc-dio/502 D in __inode_dio_wait`. */
function stuck(c: MatrixCell): string[] {
  const ex = c.result.execution;
  if (!ex || (ex.outcome.kind !== 'deadlock' && ex.outcome.kind !== 'livelock')) return [];
  return ex.outcome.blocked.map((id) => {
    const a = ex.world.actors[id]!;
    const w = a.pending!.wait!;
    return `${a.label} ${w.state} in ${a.frames[a.frames.length - 1]?.name ?? '(user space)'}`;
  });
}

function params(l: MatrixLine): string {
  return l.row.params.map(([k, v]) => `${k}=${v}`).join(',') || '-';
}

/** A cell's short text: the verdict, `hung` counts, `(incomplete)`, and `!` when it contradicts the expectation. */
function cellText(c: MatrixCell, note: number | null): string {
  const v = verdictOfResult(c.result);
  let text = v;
  if (v === 'deadlock') text = `deadlock, ${hungActors(c.result.execution!).length} hung`;
  if (v === 'ok' && !c.result.explore.complete) text = 'ok (incomplete)';
  if (note !== null) text += ` [${note}]`;
  if (!cellMatches(c)) text += ` ! expected ${c.expected}`;
  return text;
}

interface Note {
  readonly n: number;
  readonly cell: MatrixCell;
}

function notes(lines: readonly MatrixLine[]): Map<MatrixCell, Note> {
  const out = new Map<MatrixCell, Note>();
  for (const l of lines)
    for (const c of l.cells) if (c.result.token) out.set(c, { n: out.size + 1, cell: c });
  return out;
}

function summaryLine(lines: readonly MatrixLine[]): string {
  const cells = lines.flatMap((l) => l.cells);
  const off = cells.filter((c) => !cellMatches(c)).length;
  const incomplete = cells.filter((c) => !c.result.token && !c.result.explore.complete).length;
  return `${cells.length} cells: ${off === 0 ? 'every verdict as expected' : `${off} verdict(s) differ from the expectation`}${incomplete ? `, ${incomplete} search(es) incomplete` : ''}`;
}

/** `lockstep matrix` as a plain-text table, with the counterexamples' tokens and stuck tasks below. */
export function matrixText(lines: readonly MatrixLine[]): string {
  if (lines.length === 0) return 'no rows\n';
  const ns = notes(lines);
  const variants = lines[0]!.cells.map((c) => c.variant);
  const table = [
    ['scenario', 'params', ...variants],
    ...lines.map((l) => [
      l.row.scenario,
      params(l),
      ...l.cells.map((c) => cellText(c, ns.get(c)?.n ?? null)),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const out = table.map((r) =>
    r
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  out.push('', summaryLine(lines), '', 'counterexamples (lockstep replay <token>):');
  for (const { n, cell } of ns.values()) {
    out.push(`  [${n}] ${cell.result.token}`);
    for (const s of stuck(cell)) out.push(`      ${s}`);
  }
  return `${out.join('\n')}\n`;
}

/** `lockstep matrix --format markdown`. */
export function matrixMarkdown(lines: readonly MatrixLine[]): string {
  if (lines.length === 0) return 'no rows\n';
  const ns = notes(lines);
  const variants = lines[0]!.cells.map((c) => c.variant);
  const out = [
    `| scenario | params | ${variants.join(' | ')} |`,
    `|---|---|${variants.map(() => '---').join('|')}|`,
    ...lines.map(
      (l) =>
        `| ${l.row.scenario} | ${params(l)} | ${l.cells.map((c) => cellText(c, ns.get(c)?.n ?? null)).join(' | ')} |`,
    ),
    '',
    summaryLine(lines),
    '',
  ];
  for (const { n, cell } of ns.values()) {
    out.push(`${n}. \`${cell.result.token}\`${stuck(cell).length ? `: ${stuck(cell).join('; ')}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

/** `lockstep matrix --format json`: format `lockstep-matrix`, version 1. */
export function matrixJson(lines: readonly MatrixLine[]) {
  return {
    format: 'lockstep-matrix',
    version: 1,
    rows: lines.map((l) => ({
      scenario: l.row.scenario,
      params: Object.fromEntries(l.row.params),
      cells: l.cells.map((c) => ({
        variant: c.variant,
        verdict: verdictOfResult(c.result),
        expected: c.expected ?? null,
        matches: cellMatches(c),
        complete: c.result.explore.complete,
        executions: c.result.explore.executions,
        token: c.result.token,
        stuck: stuck(c),
      })),
    })),
  };
}
