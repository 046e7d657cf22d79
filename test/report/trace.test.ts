import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.js';
import { resolveTarget } from '../../src/api/target.js';
import { LockstepError } from '../../src/core/errors.js';
import { traceDocument } from '../../src/report/trace/build.js';
import { TRACE_SCHEMA } from '../../src/report/trace/schema.js';
import type { TraceDocument } from '../../src/report/trace/types.js';
import { parseTrace, validateTrace } from '../../src/report/trace/validate.js';

// The lockstep-trace document of real counterexamples, validated against the shipped JSON Schema
// (docs/trace.schema.json) with ajv, and checked for what the viewer draws.

const SHIPPED = JSON.parse(readFileSync(new URL('../../docs/trace.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(SHIPPED);

function traceOf(
  scenario: string,
  variant: string,
  config: [string, string][] = [],
  params: [string, string][] = [],
): TraceDocument {
  const r = check(resolveTarget(scenario, variant, config, params));
  if (!r.token || !r.execution) throw new Error(`${scenario} on ${variant}: no counterexample`);
  // As written to disk and read back.
  return JSON.parse(JSON.stringify(traceDocument(r.target, r.token, r.execution)));
}

const seed = traceOf('falloc-dio', 'v6.6-rc7');

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  expect(() => validateTrace(doc)).not.toThrow();
}

describe('lockstep-trace of the seed deadlock', () => {
  it('matches the shipped schema, which is the schema in src', () => {
    expect(SHIPPED).toEqual(JSON.parse(JSON.stringify(TRACE_SCHEMA)));
    expectValid(seed);
  });

  it('has the verdict, its explanation, the token and one snapshot per step plus the first', () => {
    expect(seed).toMatchObject({
      format: 'lockstep-trace',
      version: 1,
      token: expect.stringMatching(/^falloc-dio@v6\.6-rc7:/),
    });
    expect(seed.verdict.kind).toBe('deadlock');
    expect(seed.verdict.why.at(-1)).toMatch(/waits for itself/);
    expect(seed.verdict.cycles).toEqual([[2]]);
    expect(seed.states).toHaveLength(seed.steps.length + 1);
    expect(seed.actors.map((a) => a.label)).toEqual(['hardirq/nvme0n1', 'kworker/0:1/40', 'falloc-dio/502']);
  });

  it('follows i_dio_count from 0 up to 1 at submission, where it stays', () => {
    const counts = seed.states.map((s) => s.counters[0]!.value);
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBe(1);
    expect(seed.states.at(-1)!.counters[0]!.owed[0]).toMatch(/task_work/);
  });

  it('records the blocked interval in state D as part of the cycle, and the locks held across it', () => {
    expect(seed.blocked).toEqual([
      expect.objectContaining({ actor: 2, state: 'D', until: 'i_dio_count == 0', to: null, cycle: true }),
    ]);
    const held = seed.locks.filter((l) => l.to === null).map((l) => l.lock);
    expect(held).toEqual(['sb_writers#12', '&sb->s_type->i_mutex_key#17', 'mapping.invalidate_lock#3']);
    expect(seed.waitFor).toEqual([expect.objectContaining({ from: 2, to: 2, cycle: true })]);
  });

  it('records the bio, the task_work queued to the sleeper and TIF_NOTIFY_SIGNAL', () => {
    expect(seed.bios).toEqual([
      { what: '4096-byte write at 0', device: 'nvme0n1', submitted: 12, by: 2, completed: 21, irq: 0 },
    ]);
    const tw = seed.events.filter((e) => e.kind === 'task_work_add');
    expect(tw.map((e) => [e.actor, e.target, e.what])).toEqual([
      [0, 2, 'io_uring: io_req_rw_complete (user_data 1)'],
      [0, 2, 'tctx_task_work'],
    ]);
    expect(seed.states.at(-1)!.actors[2]!.flags).toEqual(['TIF_NOTIFY_SIGNAL']);
    expect(seed.steps[11]!.touches.map((o) => o.name)).toContain('nvme0n1');
  });

  it('carries the lockdep dependency graph of the run', () => {
    expect(seed.lockdep?.edges).toEqual([
      { from: 'sb_writers#12', to: '&sb->s_type->i_mutex_key#17', kinds: 'SN' },
      { from: '&sb->s_type->i_mutex_key#17', to: 'mapping.invalidate_lock#3', kinds: 'EN' },
    ]);
  });

  it('is the same document every time', () => {
    expect(JSON.stringify(traceOf('falloc-dio', 'v6.6-rc7'))).toBe(JSON.stringify(seed));
  });
});

describe('lockstep-trace of other verdicts', () => {
  it('a livelock: a retry loop in state R', () => {
    const doc = traceOf('falloc-dio', 'fallocate-nowait', [], [['ring', 'defer']]);
    expectValid(doc);
    expect(doc.verdict.kind).toBe('livelock');
    expect(doc.blocked.some((b) => b.state === 'R' && b.to === null)).toBe(true);
  });

  it('a lockdep report: the graph and its cycle', () => {
    const doc = traceOf('falloc-dio', 'v6.6', [['lockdep_dio_map', '1']]);
    expectValid(doc);
    expect(doc.verdict.kind).toBe('lockdep');
    expect(doc.verdict.report).toMatch(/WARNING/);
    expect(doc.lockdep!.classes).toContain('inode');
  });

  it('with lockdep off, the schedule is re-run with lockdep on for the graph', () => {
    const doc = traceOf('falloc-dio', 'v6.6-rc7', [['lockdep', '0']]);
    expectValid(doc);
    expect(doc.lockdep!.edges.length).toBeGreaterThan(0);
  });
});

describe('validateTrace', () => {
  const bad = (data: unknown) => {
    try {
      validateTrace(data);
    } catch (e) {
      expect(e).toBeInstanceOf(LockstepError);
      return `${(e as LockstepError).code}: ${(e as LockstepError).message}`;
    }
    throw new Error('accepted');
  };

  it('rejects what is not a lockstep trace with E_BAD_TRACE', () => {
    expect(bad({ format: 'lockstep-check', version: 1 })).toMatch(/^E_BAD_TRACE: not a lockstep trace/);
    expect(bad([1, 2])).toMatch(/^E_BAD_TRACE: not a lockstep trace/);
    expect(bad(null)).toMatch(/^E_BAD_TRACE/);
    expect(bad({ ...seed, version: 2 })).toMatch(/unsupported lockstep-trace version 2/);
    expect(() => parseTrace('{"format": ')).toThrow(/not JSON/);
  });

  it('rejects a document that breaks the schema or its cross-references', () => {
    expect(bad({ ...seed, steps: [{ ...seed.steps[0], actor: 'a' }, ...seed.steps.slice(1)] })).toMatch(
      /\/steps\/0\/actor must be integer/,
    );
    expect(bad({ ...seed, states: seed.states.slice(1) })).toMatch(/24 steps but 24 states/);
    expect(bad({ ...seed, steps: [{ ...seed.steps[0]!, actor: 9 }, ...seed.steps.slice(1)] })).toMatch(
      /names actor 9/,
    );
  });
});
