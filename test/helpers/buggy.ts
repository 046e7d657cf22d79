/** Small buggy models for the strategy and shrinking tests: each bug needs a known number of preemptions. */
import { ModelAssertion } from '../../src/core/errors.js';
import { kfunc } from '../../src/core/frames.js';
import { atomic, type Program, run, type SimObject } from '../../src/core/op.js';
import type { Model } from '../../src/explore/execute.js';
import { type LockCx, lockClass } from '../../src/sync/lock-class.js';
import { down_write, RwSemaphore, up_write } from '../../src/sync/rwsem.js';
import { spawnActor } from './drive.js';

/** A plain shared variable. */
class Cell implements SimObject {
  value = 0;
  constructor(
    readonly oid: number,
    readonly name: string,
  ) {}
}

function* work(cell: Cell, steps: number): Program<void> {
  for (let i = 0; i < steps; i++) yield* run(atomic(`${cell.name}++`, [cell], () => cell.value++));
}

/** `noise` actors of their own, each doing `steps` private steps: they never matter to the bug. */
function noise(world: Parameters<Model['build']>[0], actors: number, steps: number): void {
  for (let n = 0; n < actors; n++) {
    const own = new Cell(world.oid(), `noise${n}`);
    spawnActor(world, `noise-${n}`, () => work(own, steps));
  }
}

const lock_pair = kfunc(
  'test/buggy.c',
  function* lock_pair(cx: LockCx, own: Cell, pre: number, x: RwSemaphore, y: RwSemaphore) {
    yield* work(own, pre);
    yield* down_write(cx, x);
    yield* down_write(cx, y);
    yield* up_write(cx, y);
    yield* up_write(cx, x);
    yield* work(own, pre);
  },
);

/**
 * ABBA: two tasks take two rwsems in opposite orders, each after `pre` private steps, beside
 * `extra` noise actors. The deadlock needs exactly one preemption (inside one task's lock pair).
 */
export function abbaModel(pre = 3, extra = 1): Model {
  return {
    build(world) {
      const a = new RwSemaphore(world.oid(), lockClass('lock_A'));
      const b = new RwSemaphore(world.oid(), lockClass('lock_B'));
      const c1 = new Cell(world.oid(), 'own1');
      const c2 = new Cell(world.oid(), 'own2');
      spawnActor(world, 'abba-1', (cx) => lock_pair(cx, c1, pre, a, b));
      spawnActor(world, 'abba-2', (cx) => lock_pair(cx, c2, pre, b, a));
      noise(world, extra, pre);
    },
  };
}

/**
 * An atomicity violation: the writer sets `x` to 1 and back to 0 after `pre` private steps; the
 * checker asserts `x` is not 1. The assertion needs exactly one preemption (the writer's, between
 * its two writes). `extra` noise actors of `pre` steps each run beside them.
 */
export function atomicityModel(pre = 8, extra = 1): Model {
  return {
    build(world) {
      const x = new Cell(world.oid(), 'x');
      const own = new Cell(world.oid(), 'own');
      spawnActor(world, 'writer', function* () {
        yield* work(own, pre);
        yield* run(atomic('x = 1', [x], () => (x.value = 1)));
        yield* run(atomic('x = 0', [x], () => (x.value = 0)));
        yield* work(own, pre);
      });
      spawnActor(world, 'checker', function* () {
        yield* run(
          atomic('assert(x != 1)', [x], () => {
            if (x.value === 1) throw new ModelAssertion('x is 1 between the two writes');
          }),
        );
      });
      noise(world, extra, pre);
    },
  };
}
