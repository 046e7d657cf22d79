import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, record } from '../../src/api/check.js';
import { decodeToken, resolveTarget } from '../../src/api/target.js';
import { checkText, problemReport } from '../../src/report/text.js';

// DEPT (reference/lockdep.md 4) behind `--config dept=1`, without the dio annotation. The golden
// file was read line by line against the reference's report template. Regenerate with
// UPDATE_GOLDEN=1 only after reading the diff the same way.

const GOLDEN = new URL('../golden/falloc-dio-dept.txt', import.meta.url);
const DEPT = [['dept', '1']] as const;

const result = check(resolveTarget('falloc-dio', 'v6.6-rc7', DEPT));
const text = checkText(result);

describe('DEPT on the seed (falloc-dio, v6.6-rc7, dept=1)', () => {
  it('matches the golden report', () => {
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is an AA deadlock on i_dio_count, reported at the wait, with no dio annotation', () => {
    const o = result.explore.found!.outcome;
    expect(o.kind).toBe('dept');
    expect(result.target.config.lockdep_dio_map).toBe(false);
    const r = o.kind === 'dept' ? o.report.text() : '';
    expect(r).toContain('*** AA DEADLOCK ***');
    expect(r).toContain('    [S] inode_dio_begin(i_dio_count:0)');
    expect(r).toContain('    [W] __inode_dio_wait(i_dio_count:0)');
    expect(r).toContain('    [E] inode_dio_end(i_dio_count:0)');
  });

  it('replays byte for byte', () => {
    const { target, schedule } = decodeToken(result.token!);
    const ex = record(target, schedule);
    expect(ex.outcome.kind).toBe('dept');
    expect(problemReport(result.token!, ex)).toBe(problemReport(result.token!, result.execution!));
  });

  it('is off by default: falloc-dio deadlocks as before', () => {
    expect(check(resolveTarget('falloc-dio', 'v6.6-rc7')).explore.found?.outcome.kind).toBe('deadlock');
  });
});

describe('DEPT stays silent where no wait is unreachable', () => {
  const silent: [string, string][] = [
    ['falloc-dio', 'v6.6'],
    ['falloc-dio', 'dio-wait-interruptible'],
  ];
  for (const v of ['v6.6-rc7', 'v6.6', 'dio-wait-interruptible', 'fallocate-nowait']) {
    silent.push(['pwrite-falloc', v], ['reap-then-falloc', v]);
  }
  for (const [s, v] of silent) {
    it(`${s} on ${v}`, () => {
      const r = check(resolveTarget(s, v, DEPT));
      expect(r.explore.complete).toBe(true);
      expect(r.explore.found?.outcome.kind ?? 'ok').not.toBe('dept');
    });
  }
});
