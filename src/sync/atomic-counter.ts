import type { Actor } from '../core/actor.js';
import { atomic, type Op, type Provider } from '../core/op.js';

/**
 * Something that owes a decrement of a counter: an I/O in flight whose completion will call
 * `inode_dio_end`. The model moves it as the I/O moves (bio in a device queue, work item on a
 * workqueue, callback on a task's task_work), so a deadlock can say who alone could pay it.
 */
export class Obligation {
  actor: Actor | null = null;
  where = 'has not been issued';

  /**
   * @param what what owes the decrement (`the direct write at offset 0 of inode 131`)
   * @param undo the call that pays it (`inode_dio_end`)
   */
  constructor(
    readonly what: string,
    readonly undo: string,
  ) {}

  /** Records who alone can now pay the decrement, and where it waits (`is queued on ...`). */
  at(actor: Actor | null, where: string): void {
    this.actor = actor;
    this.where = where;
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
    return [...this.owed].map((o) => ({
      actor: o.actor,
      how: `run ${o.undo} for ${o.what}, which ${o.where}`,
    }));
  }
}

/** atomic_inc, recording what will undo it. */
export function atomic_inc(
  counter: AtomicCounter,
  ob: Obligation,
  label = `atomic_inc(${counter.name})`,
): Op<number> {
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
