import { VARIANTS } from '../kernel/config.js';
import type { ExpectedVerdict } from '../scenarios/scenario.js';
import { type CheckOptions, type CheckResult, check, DEFAULT_CHECK, verdictOfResult } from './check.js';
import { resolveTarget } from './target.js';

type Pairs = readonly (readonly [string, string])[];

/**
 * A matrix row: a scenario with chosen parameters, and the verdict expected on each variant,
 * reviewed against reference/kernel-model.md (S1, S3, S4, S5) or, for parameter sets the
 * reference does not cover, the counterexample the model found, read step by step.
 */
export interface MatrixRow {
  readonly scenario: string;
  readonly params: Pairs;
  readonly expect: Readonly<Record<string, ExpectedVerdict>>;
}

const RC7_DEADLOCK = {
  'v6.6-rc7': 'deadlock',
  'v6.6': 'ok',
  'dio-wait-interruptible': 'ok',
  'fallocate-nowait': 'ok',
} as const;
const ALL_OK = {
  'v6.6-rc7': 'ok',
  'v6.6': 'ok',
  'dio-wait-interruptible': 'ok',
  'fallocate-nowait': 'ok',
} as const;
const RC7_BASED_DEADLOCK = {
  'v6.6-rc7': 'deadlock',
  'v6.6': 'ok',
  'dio-wait-interruptible': 'deadlock',
  'fallocate-nowait': 'deadlock',
} as const;

function rows(scenario: string, expect: MatrixRow['expect'], ...sets: Pairs[]): MatrixRow[] {
  return sets.map((params) => ({ scenario, params, expect }));
}

/** The rows `lockstep matrix` runs: S1, S3, S4 and S5 on both filesystems, then parameter sets beyond them. */
export const MATRIX_ROWS: readonly MatrixRow[] = [
  ...rows('falloc-dio', RC7_DEADLOCK, [['fs', 'xfs']], [['fs', 'ext4']]),
  ...rows('reap-then-falloc', ALL_OK, [['fs', 'xfs']], [['fs', 'ext4']]),
  ...rows('unaligned-dio', ALL_OK, [['fs', 'xfs']], [['fs', 'ext4']]),
  ...rows('pwrite-falloc', ALL_OK, [['fs', 'xfs']], [['fs', 'ext4']]),
  // Beyond the reference: ring modes, other operations, loops, two threads.
  ...rows(
    'falloc-dio',
    RC7_DEADLOCK,
    [['ring', 'coop']],
    [
      ['ring', 'coop-taskrun'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows(
    'falloc-dio',
    {
      'v6.6-rc7': 'deadlock',
      'v6.6': 'ok',
      'dio-wait-interruptible': 'deadlock',
      'fallocate-nowait': 'livelock',
    },
    [['ring', 'defer']],
    [
      ['ring', 'defer'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows(
    'falloc-dio',
    RC7_DEADLOCK,
    [['loops', '2']],
    [
      ['op', 'punch'],
      ['fs', 'ext4'],
    ],
    [['op', 'zero']],
  ),
  ...rows(
    'falloc-dio',
    { 'v6.6-rc7': 'deadlock', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'deadlock' },
    [['op', 'truncate']],
    [
      ['op', 'truncate'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows(
    'falloc-dio',
    RC7_DEADLOCK,
    [['sqe', 'async']],
    [
      ['sqe', 'nowait'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows('falloc-dio', RC7_DEADLOCK, [['signal', 'kill']], [['signal', 'usr1-restart']]),
  ...rows(
    'falloc-dio',
    { 'v6.6-rc7': 'deadlock', 'v6.6': 'ok', 'dio-wait-interruptible': 'assertion', 'fallocate-nowait': 'ok' },
    [['signal', 'usr1']],
  ),
  ...rows('reap-then-falloc', ALL_OK, [['ring', 'defer']]),
  ...rows(
    'unaligned-dio',
    RC7_BASED_DEADLOCK,
    [['ring', 'defer']],
    [
      ['ring', 'defer'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows(
    'unaligned-dio',
    ALL_OK,
    [['w2', 'unwritten']],
    [
      ['w2', 'unwritten'],
      ['fs', 'ext4'],
    ],
  ),
  ...rows(
    'pwrite-falloc',
    ALL_OK,
    [['threads', 'other']],
    [
      ['threads', 'other'],
      ['fs', 'ext4'],
    ],
  ),
];

/** One cell: a row checked on a variant. */
export interface MatrixCell {
  readonly variant: string;
  readonly result: CheckResult;
  readonly expected: ExpectedVerdict | undefined;
}

/** A checked row. */
export interface MatrixLine {
  readonly row: MatrixRow;
  readonly cells: readonly MatrixCell[];
}

/** Whether a cell agrees with its expectation (an incomplete clean search does not). */
export function cellMatches(c: MatrixCell): boolean {
  if (c.expected === undefined) return true;
  const v = verdictOfResult(c.result);
  return v === c.expected && (v !== 'ok' || c.result.explore.complete);
}

/** Checks every row on every variant (resolving all targets first, so bad input fails before any work). */
export function runMatrix(
  matrixRows: readonly MatrixRow[] = MATRIX_ROWS,
  variants: readonly string[] = VARIANTS.map((v) => v.name),
  options: CheckOptions = DEFAULT_CHECK,
): MatrixLine[] {
  const targets = matrixRows.map((row) =>
    variants.map((v) => ({ variant: v, target: resolveTarget(row.scenario, v, [], row.params) })),
  );
  return matrixRows.map((row, i) => ({
    row,
    cells: targets[i]!.map(({ variant, target }) => ({
      variant,
      result: check(target, options),
      expected: row.expect[variant],
    })),
  }));
}
