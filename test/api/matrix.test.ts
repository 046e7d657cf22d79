import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { record } from '../../src/api/check.js';
import { cellMatches, MATRIX_ROWS, runMatrix } from '../../src/api/matrix.js';
import { decodeToken } from '../../src/api/target.js';
import { VARIANTS } from '../../src/kernel/config.js';
import { matrixJson, matrixMarkdown, matrixText } from '../../src/report/matrix.js';

// The full verdict matrix, held by a golden text file. Every verdict in it was reviewed against
// reference/kernel-model.md (S1, S3, S4, S5) or, beyond the reference, by reading the replayed
// counterexample; docs/kernel-model.md explains each non-obvious one. UPDATE_GOLDEN=1 rewrites it.

const GOLDEN = new URL('../golden/matrix.txt', import.meta.url);
const lines = runMatrix();

describe('lockstep matrix', () => {
  it('matches test/golden/matrix.txt byte for byte', () => {
    const text = matrixText(lines);
    if (process.env['UPDATE_GOLDEN']) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('gives every cell the verdict its row expects, from a complete search when clean', () => {
    expect(lines).toHaveLength(MATRIX_ROWS.length);
    for (const l of lines) {
      expect(l.cells.map((c) => c.variant)).toEqual(VARIANTS.map((v) => v.name));
      for (const c of l.cells) {
        expect(cellMatches(c), `${l.row.scenario} ${JSON.stringify(l.row.params)} on ${c.variant}`).toBe(
          true,
        );
      }
    }
  });

  it('reproduces S1, S3, S4 and S5 on both filesystems and all four variants', () => {
    const ref: Record<string, string[]> = {
      'falloc-dio': ['deadlock', 'ok', 'ok', 'ok'],
      'reap-then-falloc': ['ok', 'ok', 'ok', 'ok'],
      'unaligned-dio': ['ok', 'ok', 'ok', 'ok'],
      'pwrite-falloc': ['ok', 'ok', 'ok', 'ok'],
    };
    for (const [scenario, verdicts] of Object.entries(ref)) {
      for (const fs of ['xfs', 'ext4']) {
        const l = lines.find(
          (x) => x.row.scenario === scenario && x.row.params.length === 1 && x.row.params[0]![1] === fs,
        );
        const got = l?.cells.map((c) =>
          c.result.explore.found ? c.result.explore.found.outcome.kind : 'ok',
        );
        expect(got, `${scenario} on ${fs}`).toEqual(verdicts);
      }
    }
  });

  it('replays every counterexample token to the same verdict', () => {
    let tokens = 0;
    for (const l of lines) {
      for (const c of l.cells) {
        if (!c.result.token) continue;
        tokens++;
        const { target, schedule } = decodeToken(c.result.token);
        const ex = record(target, schedule);
        expect(ex.outcome).toEqual(c.result.explore.found!.outcome);
      }
    }
    expect(tokens).toBeGreaterThan(20);
  });

  it('renders the same cells as markdown and JSON', () => {
    const md = matrixMarkdown(lines).split('\n');
    expect(md.filter((x) => x.startsWith('| ') && !x.startsWith('| scenario'))).toHaveLength(lines.length);
    const json = matrixJson(lines);
    expect(json.rows.flatMap((r) => r.cells.map((c) => c.verdict))).toEqual(
      lines.flatMap((l) =>
        l.cells.map((c) => (c.result.explore.found ? c.result.explore.found.outcome.kind : 'ok')),
      ),
    );
  });
});
