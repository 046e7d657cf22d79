import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LockMap, lockKey, lockMap, Validator } from '../../src/lockdep/index.js';

// Random acquire/release/irq sequences: the validator never throws, and every circular report names a
// path whose consecutive classes are recorded dependencies, closed by the held lock it reports.

const NAMES = ['A', 'B', 'C', 'D', 'E'];

type Op =
  | {
      readonly op: 'acquire';
      readonly task: number;
      readonly lock: number;
      readonly read: 0 | 1 | 2;
      readonly trylock: boolean;
    }
  | { readonly op: 'release'; readonly task: number; readonly lock: number }
  | { readonly op: 'irq'; readonly task: number; readonly enter: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('acquire' as const),
      task: fc.nat(1),
      lock: fc.nat(NAMES.length - 1),
      read: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 1, 2),
      trylock: fc.constantFrom(false, false, false, true),
    }),
  },
  // `lock` picks one of the task's held locks when it holds any (else any map: a bad unlock).
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('release' as const), task: fc.nat(1), lock: fc.nat(20) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('irq' as const), task: fc.nat(1), enter: fc.boolean() }),
  },
);

function replay(ops: readonly Op[]): Validator {
  const maps: LockMap[] = NAMES.map((n) => lockMap(n, { key: lockKey(`__key.${n}`), wait: 'raw_spinlock' }));
  const v = new Validator({ keepGoing: true });
  const tasks = [v.task('p0', 100), v.task('p1', 101)];
  for (const o of ops) {
    const t = tasks[o.task]!;
    // Taking a lock the task already holds releases it instead: recursion has its own tests, and
    // this keeps the sequences rich in the cross-task orderings that make cycles.
    if (o.op === 'acquire' && v.isHeld(t, maps[o.lock]!)) v.release(t, maps[o.lock]!);
    else if (o.op === 'acquire') v.acquire(t, maps[o.lock]!, { read: o.read, trylock: o.trylock });
    else if (o.op === 'release') {
      const held = t.held[o.lock % Math.max(1, t.held.length)];
      v.release(t, held?.map ?? maps[o.lock % maps.length]!);
    } else if (o.enter) v.hardirqEnter(t);
    else v.hardirqExit(t);
  }
  return v;
}

describe('random lock sequences', () => {
  it('never crash, and a reported cycle is a path of recorded edges', () => {
    let cycles = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 60, size: 'max' }), (ops) => {
        const v = replay(ops);
        const edges = new Set(v.edges().map((e) => `${e.from}>${e.to}`));
        for (const r of v.reports()) {
          expect(r.text().endsWith('\n')).toBe(true);
          if (r.kind !== 'circular') continue;
          cycles++;
          expect(r.classes.length).toBeGreaterThanOrEqual(2);
          for (let i = 0; i + 1 < r.classes.length; i++) {
            expect(edges.has(`${r.classes[i]}>${r.classes[i + 1]}`)).toBe(true);
          }
          // The last class on the path is the held lock, the first the one being acquired.
          const text = r.text();
          expect(text).toContain(`but task is already holding lock:\nffff`);
          expect(text).toMatch(new RegExp(`holding lock:\\n\\S+ \\(${r.classes.at(-1)}\\)`));
          expect(text).toMatch(new RegExp(`acquire lock:\\n\\S+ \\(${r.classes[0]}\\)`));
        }
      }),
      { numRuns: 400, seed: 20231027 },
    );
    // Not vacuous: the random sequences do produce cycles to check.
    expect(cycles).toBeGreaterThan(50);
  });

  it('the same sequence gives the same reports, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const a = replay(ops)
          .reports()
          .map((r) => r.text());
        expect(
          replay(ops)
            .reports()
            .map((r) => r.text()),
        ).toEqual(a);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
