import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/actor.js';
import { kfunc } from '../../src/core/frames.js';
import { atomic, guarded, run } from '../../src/core/op.js';
import { Prng } from '../../src/core/prng.js';
import { checksum, decodeSchedule, encodeSchedule } from '../../src/core/schedule.js';
import { World } from '../../src/core/world.js';

describe('Prng', () => {
  it('is fixed by its seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 16 }, () => a.nextU32());
    expect(Array.from({ length: 16 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 16 }, () => c.nextU32())).not.toEqual(xs);
  });
  it('below(n) stays in range and clone continues identically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const p = new Prng(seed);
        for (let i = 0; i < 20; i++) {
          const x = p.below(n);
          if (x < 0 || x >= n || !Number.isInteger(x)) return false;
        }
        const q = p.clone();
        return p.nextU32() === q.nextU32();
      }),
    );
  });
});

describe('schedule tokens', () => {
  it('encodes runs, outcomes and large actor ids', () => {
    const s = [
      ...Array(12).fill({ actor: 0, alt: 0 }),
      { actor: 1, alt: 1 },
      ...Array(3).fill({ actor: 0, alt: 0 }),
      ...Array(3).fill({ actor: 1, alt: 2 }),
      { actor: 60, alt: 0 },
    ];
    expect(encodeSchedule(s)).toBe('a12b.1a3b.2_3{60}');
    expect(decodeSchedule('a12b.1a3b.2_3{60}')).toEqual(s);
  });
  it('round-trips any schedule', () => {
    const choice = fc.record({ actor: fc.integer({ min: 0, max: 70 }), alt: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(choice, { maxLength: 60 }), (s) => {
        expect(decodeSchedule(encodeSchedule(s))).toEqual(s);
      }),
    );
  });
  it('keeps an outcome apart from actor x (23)', () => {
    const s = [
      { actor: 0, alt: 1 },
      { actor: 23, alt: 0 },
    ];
    expect(decodeSchedule(encodeSchedule(s))).toEqual(s);
  });
  it('rejects text that is not a schedule', () => {
    for (const bad of ['!', 'a0', 'b.', 'b.1_0', '{', '{12', 'a.x3', '9'])
      expect(decodeSchedule(bad)).toBeNull();
  });
  it('checksums are 4 base-36 characters and change with the text', () => {
    expect(checksum('falloc-dio@v6.6-rc7:c19a4')).toMatch(/^[0-9a-z]{4}$/);
    expect(checksum('falloc-dio@v6.6-rc7:c19a4')).not.toBe(checksum('falloc-dio@v6.6-rc7:c19a5'));
  });
});

interface Flag {
  readonly oid: number;
  readonly name: string;
  up: boolean;
}

describe('World and actors', () => {
  const wait = (flag: Flag, idle = false) =>
    guarded(
      'wait flag',
      [flag],
      { state: 'D', object: flag, until: 'flag up', wokenBy: 'nothing', idle, sleepFrames: [] },
      () => flag.up,
      () => 'woke',
    );

  function setup(idle = false) {
    const w = new World({ record: true });
    const flag: Flag = { oid: w.oid(), name: 'flag', up: false };
    const log: string[] = [];
    const outer = kfunc('kernel/test.c', function* outer_fn(cx: { actor: Actor }) {
      log.push(cx.actor.frames.map((f) => `${f.file}:${f.name}`).join(','));
      return yield wait(flag, idle);
    });
    const waiter = w.spawn('task', 'waiter', 10, (actor) =>
      (function* () {
        const r = yield* outer({ actor });
        log.push(`got ${String(r)}; frames after: ${actor.frames.length}`);
      })(),
    );
    const setter = w.spawn('kthread', 'setter', 11, () =>
      (function* () {
        yield* run(
          atomic(
            'raise flag',
            [flag],
            () => (flag.up = true),
            () => 'flag is up',
          ),
        );
      })(),
    );
    return { w, flag, log, waiter, setter };
  }

  it('starts programs up to their first op and derives status from it', () => {
    const { w, log, waiter, setter } = setup();
    expect(log).toEqual(['kernel/test.c:outer_fn']);
    expect(waiter.status()).toBe('blocked');
    expect(setter.status()).toBe('runnable');
    expect(w.choices()).toEqual([{ actor: 1, alt: 0 }]);
    expect(w.blocked()).toEqual([waiter]);
  });

  it('records steps with frames, notes and wakeups, and pops frames on return', () => {
    const { w, log, waiter, setter } = setup();
    w.take({ actor: 1, alt: 0 });
    expect(setter.status()).toBe('exited');
    expect(waiter.status()).toBe('runnable');
    w.take({ actor: 0, alt: 0 });
    expect(waiter.status()).toBe('exited');
    expect(log[1]).toBe('got woke; frames after: 0');
    expect(w.trace).toMatchObject([
      { index: 1, actor: 1, alt: 0, label: 'raise flag', frames: [], note: 'flag is up', wakes: [0] },
      { index: 2, actor: 0, alt: 0, label: 'wait flag', frames: ['outer_fn'], note: '', wakes: [] },
    ]);
    expect(w.trace!.map((s) => s.touches)).toEqual([[{ oid: 1, name: 'flag' }], [{ oid: 1, name: 'flag' }]]);
    expect(w.choices()).toEqual([]);
  });

  it('counts an idle wait as idle, not blocked', () => {
    const { w, waiter } = setup(true);
    expect(waiter.status()).toBe('idle');
    expect(w.blocked()).toEqual([]);
  });

  it('labels interrupt contexts without a pid', () => {
    const w = new World();
    const irq = w.spawn('irq', 'hardirq/nvme0n1', 0, () => (function* () {})());
    expect(irq.label).toBe('hardirq/nvme0n1');
    expect(irq.status()).toBe('exited');
  });
});
