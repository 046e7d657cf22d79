import { describe, expect, it } from 'vitest';
import { type AcquireOptions, type LockMap, lockKey, lockMap, Validator } from '../../src/lockdep/index.js';

// reference/lockdep.md 2: the read/write examples. Each task takes its two locks nested, in order.

type Step = readonly [name: string, read: 0 | 1 | 2];

function run(...tasks: readonly Step[][]): Validator {
  const maps = new Map<string, LockMap>();
  const map = (n: string): LockMap => {
    let m = maps.get(n);
    if (!m) maps.set(n, (m = lockMap(n, { key: lockKey(`__key.${n}`), wait: 'rwlock' })));
    return m;
  };
  const v = new Validator();
  tasks.forEach((steps, i) => {
    const t = v.task(`t${i + 1}`, i + 1);
    for (const [n, read] of steps) v.acquire(t, map(n), { read } satisfies AcquireOptions);
    for (const [n] of [...steps].reverse()) v.release(t, map(n));
  });
  return v;
}

const W = (n: string): Step => [n, 0];
const r = (n: string): Step => [n, 1]; // non-recursive reader (rwsem down_read)
const R = (n: string): Step => [n, 2]; // recursive reader (read_lock in irq, lock_map_acquire_read)

describe('read/write rules (strong paths)', () => {
  it('R(A)->W(B) + R(B)->W(A): A-SN->B, B-SN->A is a strong cycle: deadlock', () => {
    const v = run([R('A'), W('B')], [R('B'), W('A')]);
    expect(v.reports().map((x) => x.kind)).toEqual(['circular']);
    expect(v.edges()).toEqual([{ from: 'A', to: 'B', kinds: 'SN' }]);
    expect(v.reports()[0]!.text()).toContain('  rlock(B);\n');
  });

  it('R(A),W(B) + W(B),R(A) with recursive reads: B-ER->A then A-SN->B is not strong: silent', () => {
    const v = run([R('A'), W('B')], [W('B'), R('A')]);
    expect(v.reports()).toEqual([]);
    expect(v.edges()).toEqual([
      { from: 'A', to: 'B', kinds: 'SN' },
      { from: 'B', to: 'A', kinds: 'ER' },
    ]);
  });

  it('the same with non-recursive readers (rwsem): B-EN->A closes a strong cycle: deadlock', () => {
    const v = run([r('A'), W('B')], [W('B'), r('A')]);
    expect(v.reports().map((x) => x.kind)).toEqual(['circular']);
  });

  it('W1R2 / W2R3 / W3R1 (ER, ER, ER): deadlock', () => {
    expect(run([W('1'), R('2')], [W('2'), R('3')], [W('3'), R('1')]).reports()[0]?.kind).toBe('circular');
  });

  it('W1W2 / R2R3 / W3R1 (EN, SR, ER): deadlock', () => {
    const v = run([W('1'), W('2')], [R('2'), R('3')], [W('3'), R('1')]);
    expect(v.reports()[0]?.classes).toEqual(['1', '2', '3']);
  });

  it('W1W2 / R2R3 / R3W1 (EN, SR, SN): no deadlock', () => {
    expect(run([W('1'), W('2')], [R('2'), R('3')], [R('3'), W('1')]).reports()).toEqual([]);
  });

  it('W1R2 / R2R3 / W3W1 (ER, SR, EN): no deadlock', () => {
    expect(run([W('1'), R('2')], [R('2'), R('3')], [W('3'), W('1')]).reports()).toEqual([]);
  });

  it('plain ABBA with both reads recursive is silent; with one writer it is not', () => {
    expect(run([R('A'), R('B')], [R('B'), R('A')]).reports()).toEqual([]);
    expect(run([R('A'), R('B')], [W('B'), W('A')]).reports()[0]?.kind).toBe('circular');
  });
});

describe('same-class read recursion', () => {
  it('a recursive read over a held read of the class is allowed', () => {
    expect(run([R('A'), R('A')]).reports()).toEqual([]);
    expect(run([r('A'), R('A')]).reports()).toEqual([]);
  });

  it('a non-recursive read over a read, or a write over a read, is recursion', () => {
    expect(run([r('A'), r('A')]).reports()[0]?.kind).toBe('recursive');
    expect(run([R('A'), W('A')]).reports()[0]?.kind).toBe('recursive');
    expect(run([W('A'), R('A')]).reports()[0]?.kind).toBe('recursive');
  });
});
