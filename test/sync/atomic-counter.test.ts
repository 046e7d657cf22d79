import { describe, expect, it } from 'vitest';
import { run } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import { AtomicCounter, atomic_dec_and_test, atomic_inc, Obligation } from '../../src/sync/atomic-counter.js';
import { runActor, spawnActor } from '../helpers/drive.js';

function setup() {
  const w = new World({ record: true });
  const counter = new AtomicCounter(w.oid(), 'i_dio_count');
  return { w, counter };
}

describe('AtomicCounter', () => {
  it('counts increments and reports zero only on the last decrement', () => {
    const { w, counter } = setup();
    const a = new Obligation('write A', 'inode_dio_end');
    const b = new Obligation('write B', 'inode_dio_end');
    const got: unknown[] = [];
    const t = spawnActor(w, 't', function* () {
      got.push(yield* run(atomic_inc(counter, a)));
      got.push(yield* run(atomic_inc(counter, b)));
      got.push(yield* run(atomic_dec_and_test(counter, a)));
      got.push(yield* run(atomic_dec_and_test(counter, b)));
    });
    runActor(w, t, 2);
    expect(counter.value).toBe(2);
    expect([...counter.owed]).toEqual([a, b]);
    runActor(w, t, 2);
    expect(got).toEqual([1, 2, false, true]);
    expect(counter.value).toBe(0);
    expect(counter.owed.size).toBe(0);
  });

  it('labels steps with the counter name and notes the value before and after', () => {
    const { w, counter } = setup();
    const ob = new Obligation('the write', 'inode_dio_end');
    const t = spawnActor(w, 't', function* () {
      yield* run(atomic_inc(counter, ob));
      yield* run(atomic_dec_and_test(counter, ob, 'inode_dio_end'));
    });
    runActor(w, t, 2);
    expect(w.trace!.map((r) => [r.label, r.note])).toEqual([
      ['atomic_inc(i_dio_count)', 'i_dio_count 0 -> 1'],
      ['inode_dio_end', 'i_dio_count 1 -> 0'],
    ]);
  });

  it('throws on a decrement without a matching increment, leaving the value alone', () => {
    const { w, counter } = setup();
    const paid = new Obligation('write A', 'inode_dio_end');
    const stranger = new Obligation('write B', 'inode_dio_end');
    const t = spawnActor(w, 't', function* () {
      yield* run(atomic_inc(counter, paid));
      yield* run(atomic_dec_and_test(counter, stranger));
    });
    runActor(w, t);
    expect(() => runActor(w, t)).toThrow('atomic_dec_and_test(i_dio_count): no matching increment');
    expect(counter.value).toBe(1);
    expect([...counter.owed]).toEqual([paid]);
  });

  it('throws on a second decrement by the same obligation', () => {
    const { counter } = setup();
    const ob = new Obligation('write', 'inode_dio_end');
    atomic_inc(counter, ob).perform(0);
    expect(atomic_dec_and_test(counter, ob).perform(0)).toBe(true);
    expect(() => atomic_dec_and_test(counter, ob).perform(0)).toThrow(/no matching increment/);
    expect(counter.value).toBe(0);
  });

  it('providers() lists each outstanding obligation where Obligation.at() last put it', () => {
    const { w, counter } = setup();
    const a = new Obligation('the direct write at offset 0', 'inode_dio_end');
    const b = new Obligation('the direct write at offset 4096', 'inode_dio_end');
    expect(counter.providers()).toEqual([]);
    atomic_inc(counter, a).perform(0);
    atomic_inc(counter, b).perform(0);
    expect(counter.providers()).toEqual([
      { actor: null, how: 'run inode_dio_end for the direct write at offset 0, which has not been issued' },
      {
        actor: null,
        how: 'run inode_dio_end for the direct write at offset 4096, which has not been issued',
      },
    ]);
    const task = spawnActor(w, 'fio', function* () {});
    a.at(null, 'is in a device queue');
    b.at(task, 'is queued on its task_work');
    expect(counter.providers()).toEqual([
      { actor: null, how: 'run inode_dio_end for the direct write at offset 0, which is in a device queue' },
      {
        actor: task,
        how: 'run inode_dio_end for the direct write at offset 4096, which is queued on its task_work',
      },
    ]);
    atomic_dec_and_test(counter, a).perform(0);
    expect(counter.providers().map((p) => p.actor)).toEqual([task]);
  });
});
