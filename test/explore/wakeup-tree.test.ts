import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyTree, covers, type Event, insert, type WakeupNode } from '../../src/explore/wakeup-tree.js';

// Events of 3 actors over 2 objects, each a read or a write: enough for sequences that commute in
// some places and not in others.
const event = fc.record({ actor: fc.nat(2), oid: fc.nat(1), write: fc.boolean() }).map(
  ({ actor, oid, write }): Event => ({
    actor,
    alt: 0,
    w: write ? [oid] : [],
    r: write ? [] : [oid],
    alts: 1,
    guarded: false,
  }),
);
const sequence = fc.array(event, { minLength: 1, maxLength: 5 });

/** A tree's branches as text, to compare two trees. */
function shape(ns: readonly WakeupNode[]): string {
  return ns
    .map(
      (n) => `${n.ev.actor}${n.ev.w.length > 0 ? 'w' : 'r'}${[...n.ev.w, ...n.ev.r]}(${shape(n.children)})`,
    )
    .join(' ');
}

describe('wakeup trees', () => {
  it('covers(tree, v) is what insert finds, and leaves the tree as it was', () => {
    fc.assert(
      fc.property(fc.array(sequence, { maxLength: 8 }), sequence, (planted, v) => {
        const tree: WakeupNode[] = [];
        for (const s of planted) insert(tree, s);
        const before = shape(tree);
        const covered = covers(tree, v);
        expect(shape(tree)).toBe(before);
        const copy = tree.map(copyTree);
        expect(insert(copy, v)).toBe(!covered);
        // A sequence just inserted is covered.
        expect(covers(copy, v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
