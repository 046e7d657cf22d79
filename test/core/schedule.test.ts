import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Choice, checksum, decodeSchedule, encodeSchedule } from '../../src/core/schedule.js';

const times = (n: number, actor: number, alt = 0): Choice[] =>
  Array.from({ length: n }, () => ({ actor, alt }));

describe('encodeSchedule', () => {
  it('writes runs as a letter and a count: a12b.1a3', () => {
    const s = [...times(12, 0), { actor: 1, alt: 1 }, ...times(3, 0)];
    expect(encodeSchedule(s)).toBe('a12b.1a3');
  });

  it('writes a single step without a count and the empty schedule as ""', () => {
    expect(encodeSchedule([{ actor: 2, alt: 0 }])).toBe('c');
    expect(encodeSchedule([])).toBe('');
  });

  it('uses a-z for actors 0-25 and A-Z for 26-51', () => {
    expect(encodeSchedule([25, 26, 51].map((actor) => ({ actor, alt: 0 })))).toBe('zAZ');
  });

  it('writes actors past 51 in braces, with a count after the brace', () => {
    expect(encodeSchedule([{ actor: 52, alt: 0 }])).toBe('{52}');
    expect(encodeSchedule([...times(4, 70), { actor: 0, alt: 0 }])).toBe('{70}4a');
    expect(encodeSchedule([{ actor: 100, alt: 2 }])).toBe('{100}.2');
  });

  it('writes a repeated outcome as .alt_count', () => {
    expect(encodeSchedule(times(3, 1, 2))).toBe('b.2_3');
    expect(encodeSchedule([...times(2, 53, 1), ...times(2, 53, 0)])).toBe('{53}.1_2{53}2');
  });

  it('splits a run where the outcome changes', () => {
    expect(encodeSchedule([...times(2, 0), ...times(2, 0, 1), { actor: 0, alt: 0 }])).toBe('a2a.1_2a');
  });
});

describe('decodeSchedule', () => {
  it('reads the documented examples', () => {
    expect(decodeSchedule('a12b.1a3')).toEqual([...times(12, 0), { actor: 1, alt: 1 }, ...times(3, 0)]);
    expect(decodeSchedule('b.2_3')).toEqual(times(3, 1, 2));
    expect(decodeSchedule('{60}')).toEqual([{ actor: 60, alt: 0 }]);
    expect(decodeSchedule('{60}3Z')).toEqual([...times(3, 60), { actor: 51, alt: 0 }]);
    expect(decodeSchedule('')).toEqual([]);
  });

  it('reads x after an outcome as actor 23, not as a repeat count', () => {
    // The old format wrote repeats as `.2x3`; x is a valid actor letter, so `_` separates them now.
    expect(decodeSchedule('b.2x3')).toEqual([{ actor: 1, alt: 2 }, ...times(3, 23)]);
    const s = [{ actor: 1, alt: 2 }, ...times(3, 23)];
    expect(decodeSchedule(encodeSchedule(s))).toEqual(s);
  });

  it('reads multi-digit counts and outcomes', () => {
    expect(decodeSchedule('c.12_10')).toEqual(times(10, 2, 12));
    expect(decodeSchedule('a100')).toHaveLength(100);
  });

  it('returns null for text that is not a schedule', () => {
    const bad = [
      '!', // not an actor
      '7', // count without an actor
      'a0', // zero repeat count
      'a-1', // sign
      'b.', // outcome without digits
      'b._3', // outcome without digits before the count
      'b.1_', // count without digits
      'b.1_0', // zero repeat count of an outcome
      '{', // unterminated brace
      '{12', // unterminated brace
      '{}', // empty actor number
      '{x}', // not a number
      '{1234567890}', // more than 9 digits
      'a1234567890', // count with more than 9 digits
      'a b', // whitespace
      'a.x3', // outcome that is not a number
      'a_3', // repeat marker without an outcome
      'a99999999', // more steps than any schedule may hold
    ];
    for (const text of bad) expect(decodeSchedule(text), text).toBeNull();
  });
});

describe('schedule round trip', () => {
  const choice = fc.record({ actor: fc.integer({ min: 0, max: 70 }), alt: fc.integer({ min: 0, max: 4 }) });
  // Runs of the same choice exercise the counts, which independent random choices rarely produce.
  const run = fc.tuple(choice, fc.integer({ min: 1, max: 12 })).map(([c, n]) => times(n, c.actor, c.alt));
  const schedule = fc.array(run, { maxLength: 30 }).map((runs) => runs.flat());

  it('decode(encode(s)) is s for any schedule', () => {
    fc.assert(
      fc.property(schedule, (s) => {
        expect(decodeSchedule(encodeSchedule(s))).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });

  it('encoding is canonical: encode(decode(t)) is t for any encoded t', () => {
    fc.assert(
      fc.property(schedule, (s) => {
        const t = encodeSchedule(s);
        expect(encodeSchedule(decodeSchedule(t)!)).toBe(t);
      }),
    );
  });

  it('never writes more characters than the schedule has steps, plus brace overhead', () => {
    fc.assert(
      fc.property(fc.array(choice, { maxLength: 60 }), (s) => {
        // Each step costs at most a letter, `.a`, and for actors past 51 two braces and a digit.
        expect(encodeSchedule(s).length).toBeLessThanOrEqual(s.length * 6);
      }),
    );
  });
});

describe('checksum', () => {
  it('is 4 base-36 characters for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (t) => {
        expect(checksum(t)).toMatch(/^[0-9a-z]{4}$/);
      }),
    );
  });

  it('is FNV-1a (32 bit) reduced to 4 base-36 digits', () => {
    // Published FNV-1a 32-bit test vectors.
    const vectors: [string, number][] = [
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ];
    for (const [text, h] of vectors) {
      expect(checksum(text)).toBe((h % 36 ** 4).toString(36).padStart(4, '0'));
    }
  });

  it('is deterministic and changes when the text changes', () => {
    const token = 'falloc-dio@v6.6-rc7:a12b.1a3';
    expect(checksum(token)).toBe(checksum(token));
    const variants = [
      'falloc-dio@v6.6-rc7:a12b.1a4', // last character
      'falloc-dio@v6.6-rc7:a12b.1a', // truncated
      'falloc-dio@v6.6-rc7:a12b.1a3a', // extended
      'falloc-dio@v6.6-rc7:a21b.1a3', // swapped digits
      'falloc-dio@v6.6-rc6:a12b.1a3', // another kernel
      'Falloc-dio@v6.6-rc7:a12b.1a3', // first character
    ];
    for (const v of variants) expect(checksum(v), v).not.toBe(checksum(token));
  });
});
