import type { Actor } from '../core/actor.js';
import { atomic, type Op, type Provider } from '../core/op.js';

/**
 * Something that owes a decrement of a counter: an I/O in flight whose completion will call
 * `inode_dio_end`. The model moves it as the I/O moves (bio in a device queue, work item on a
 * workqueue, callback on a task's task_work), so a deadlock can say who alone could pay it.
 */
export class Obligation {
  actor: Actor | null = null;
  how = '';

  constructor(readonly what: string) {}

  /** Records where the decrement now waits to run. */
  at(actor: Actor | null, how: string): void {
    this.actor = actor;
    this.how = how;
  }
}

/**
 * An atomic_t with wait-until-zero (`i_dio_count`, include/linux/fs.h). Every increment carries
 * the obligation that will undo it.
 */
export class AtomicCounter {
  value = 0;
  readonly owed = new Set<Obligation>();

  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}

  /** Each outstanding obligation, with the actor who alone can pay it. */
  providers(): Provider[] {
    return [...this.owed].map((o) => ({ actor: o.actor, how: `${o.how} (${o.what})` }));
  }
}

/** atomic_inc, recording what will undo it. */
export function atomic_inc(counter: AtomicCounter, ob: Obligation, label = `atomic_inc(${counter.name})`): Op<number> {
  let before = 0;
  return atomic(
    label,
    [counter],
    () => {
      before = counter.value;
      counter.owed.add(ob);
      return ++counter.value;
    },
    () => `${counter.name} ${before} -> ${before + 1}`,
  );
}

/** atomic_dec_and_test: true when the counter reaches zero. */
export function atomic_dec_and_test(
  counter: AtomicCounter,
  ob: Obligation,
  label = `atomic_dec_and_test(${counter.name})`,
): Op<boolean> {
  let before = 0;
  return atomic(
    label,
    [counter],
    () => {
      before = counter.value;
      if (!counter.owed.delete(ob)) throw new Error(`${label}: no matching increment`);
      return --counter.value === 0;
    },
    () => `${counter.name} ${before} -> ${before - 1}`,
  );
}
