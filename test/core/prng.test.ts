import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/core/prng.js';

const draw = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.nextU32());

const seed = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

describe('Prng', () => {
  it('gives the same sequence for the same seed', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(draw(new Prng(s), 32)).toEqual(draw(new Prng(s), 32));
      }),
    );
  });

  it('gives different sequences for different seeds, including neighbours', () => {
    fc.assert(
      fc.property(seed, seed, (s, t) => {
        fc.pre(s !== t);
        expect(draw(new Prng(s), 8)).not.toEqual(draw(new Prng(t), 8));
      }),
    );
    for (const s of [0, 1, 41, 2 ** 31, 2 ** 32 - 1]) {
      expect(draw(new Prng(s), 8)).not.toEqual(draw(new Prng(s + 1), 8));
    }
  });

  it('uses the high 32 bits of the seed as well as the low ones', () => {
    // Seeds that agree in their low 32 bits must still differ.
    expect(draw(new Prng(7), 8)).not.toEqual(draw(new Prng(7 + 2 ** 32), 8));
    expect(draw(new Prng(0), 8)).not.toEqual(draw(new Prng(2 ** 40), 8));
  });

  it('returns unsigned 32-bit integers', () => {
    const p = new Prng(123);
    for (const x of draw(p, 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it('below(n) is always an integer in [0, n)', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 2 ** 32 - 1 }), (s, n) => {
        const p = new Prng(s);
        for (let i = 0; i < 50; i++) {
          const x = p.below(n);
          expect(Number.isInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(n);
        }
      }),
    );
  });

  it('below(1) is always 0 and below(n) reaches every value of a small range', () => {
    const p = new Prng(5);
    for (let i = 0; i < 100; i++) expect(p.below(1)).toBe(0);
    for (const s of [1, 2, 3]) {
      const q = new Prng(s);
      const counts = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < 6000; i++) counts[q.below(6)]!++;
      // Expected 1000 each; the band is ~6 standard deviations wide, so only a broken generator misses it.
      for (const c of counts) {
        expect(c).toBeGreaterThan(800);
        expect(c).toBeLessThan(1200);
      }
    }
  });

  it('below(n) with a bound that forces rejection (3 * 2^30) stays in range', () => {
    const n = 3 * 2 ** 30;
    const p = new Prng(99);
    let high = 0;
    for (let i = 0; i < 2000; i++) {
      const x = p.below(n);
      expect(x).toBeLessThan(n);
      if (x >= 2 ** 31) high++;
    }
    // A third of the range lies at or above 2^31; uniform draws land there about a third of the time.
    expect(high).toBeGreaterThan(500);
    expect(high).toBeLessThan(830);
  });

  it('clone() continues with the same sequence, independently of the original', () => {
    fc.assert(
      fc.property(seed, fc.nat(40), (s, skip) => {
        const p = new Prng(s);
        draw(p, skip);
        const q = p.clone();
        const fromClone = draw(q, 20);
        // Advancing the clone did not advance the original.
        expect(draw(p, 20)).toEqual(fromClone);
        // And the two keep agreeing afterwards, also through below().
        expect(p.below(1000)).toBe(q.below(1000));
        expect(q).toBeInstanceOf(Prng);
      }),
    );
  });
});
