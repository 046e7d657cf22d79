import { describe, expect, it } from 'vitest';
import { canonicalTrace, type Event, foataTrace } from '../helpers/traces.js';

// The trace counter's canonical forms on hand-made event sequences.

const ev = (actor: number, writes: number[], reads: number[] = []): Event => ({
  actor,
  alt: 0,
  writes,
  reads,
});

describe('canonical forms of a Mazurkiewicz trace', () => {
  it('gives one form to two orders of independent steps', () => {
    const a = ev(0, [1]);
    const b = ev(1, [2]);
    expect(canonicalTrace([a, b])).toBe(canonicalTrace([b, a]));
    expect(foataTrace([a, b])).toBe(foataTrace([b, a]));
    expect(foataTrace([a, b])).toBe('0,1');
  });

  it('gives one form to two orders of reads of one object', () => {
    const a = ev(0, [], [7]);
    const b = ev(1, [], [7]);
    expect(canonicalTrace([a, b])).toBe(canonicalTrace([b, a]));
  });

  it('tells apart two orders of a write and a read of one object', () => {
    const w = ev(0, [7]);
    const r = ev(1, [], [7]);
    expect(canonicalTrace([w, r])).not.toBe(canonicalTrace([r, w]));
    expect(foataTrace([w, r])).toBe('0 | 1');
    expect(foataTrace([r, w])).toBe('1 | 0');
  });

  it('keeps each actor in program order and lets independent steps float', () => {
    // 0: w x; 1: w y; 0: r y. The read of y depends on 1's write; 1's write floats before 0's first.
    const seq = [ev(0, [1]), ev(1, [2]), ev(0, [], [2])];
    const swapped = [ev(1, [2]), ev(0, [1]), ev(0, [], [2])];
    expect(canonicalTrace(seq)).toBe(canonicalTrace(swapped));
    expect(canonicalTrace(seq)).toBe('0 1 0');
    expect(foataTrace(seq)).toBe('0,1 | 0');
  });

  it('records nondeterministic outcomes in the form', () => {
    const a: Event = { actor: 0, alt: 1, writes: [1], reads: [] };
    expect(canonicalTrace([a])).toBe('0.1');
  });
});
