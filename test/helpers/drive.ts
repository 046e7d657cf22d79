/** Small drivers for unit tests: spawn actors with a lock context and step them by hand. */
import type { Actor, ActorKind } from '../../src/core/actor.js';
import type { Program } from '../../src/core/op.js';
import type { World } from '../../src/core/world.js';
import type { LockCx } from '../../src/sync/lock-class.js';

/** The context tests hand to model functions: the actor and its world (satisfies LockCx). */
export type TestCx = LockCx;

/** Spawns an actor that runs `body` with a `{ actor, world }` context; pids follow creation order. */
export function spawnActor(
  world: World,
  comm: string,
  body: (cx: TestCx) => Program<unknown>,
  kind: ActorKind = 'task',
): Actor {
  return world.spawn(kind, comm, 100 + world.actors.length, (actor) =>
    (function* (): Program<void> {
      yield* body({ actor, world });
    })(),
  );
}

/** Whether `actor` is among the world's choices right now. */
export function canRun(world: World, actor: Actor): boolean {
  return world.choices().some((c) => c.actor === actor.id);
}

/**
 * Steps `actor` exactly `steps` times (alternative `alt`), failing loudly if it is not runnable:
 * `World.take` itself does not check, so a test could otherwise run a blocked op by mistake.
 */
export function runActor(world: World, actor: Actor, steps = 1, alt = 0): void {
  for (let i = 0; i < steps; i++) {
    if (!world.choices().some((c) => c.actor === actor.id && c.alt === alt)) {
      throw new Error(`step ${i + 1} of ${steps}: ${actor.label} is ${actor.status()}, not runnable`);
    }
    world.take({ actor: actor.id, alt });
  }
}

/** Steps `actor` while it is runnable; returns the number of steps taken. */
export function runUntilStuck(world: World, actor: Actor, limit = 10_000): number {
  let n = 0;
  while (canRun(world, actor)) {
    if (n >= limit) throw new Error(`${actor.label} still runnable after ${limit} steps`);
    world.take({ actor: actor.id, alt: 0 });
    n++;
  }
  return n;
}

/** Takes the first choice until there is none; returns the number of steps taken. */
export function runAll(world: World, limit = 10_000): number {
  let n = 0;
  for (let c = world.choices(); c.length > 0; c = world.choices()) {
    if (n >= limit) throw new Error(`still runnable after ${limit} steps`);
    world.take(c[0]!);
    n++;
  }
  return n;
}
