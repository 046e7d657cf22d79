import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from '../../src/explore/heap.js';

describe('Heap', () => {
  it('pops the least item first, whatever the order of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null })), (ops) => {
        // A number is pushed, null pops: the heap and a sorted list must agree at every pop.
        const heap = new Heap<number>((a, b) => a < b);
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) {
            model.sort((a, b) => a - b);
            expect(heap.pop()).toBe(model.shift());
          } else {
            heap.push(op);
            model.push(op);
          }
          expect(heap.size).toBe(model.length);
        }
        expect([...heap.values()].sort((a, b) => a - b)).toEqual(model.sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
