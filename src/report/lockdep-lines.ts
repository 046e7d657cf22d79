import type { Actor, HeldLock } from '../core/actor.js';
import type { World } from '../core/world.js';
import { className, instanceAddress, isLockable, type Lockable, usageString } from '../sync/lock-class.js';

/** lockdep's print_lock: `<addr> (<class>){usage}-{outer:inner}, at: <site>`. */
export function lockLine(world: World, lock: Lockable, site: string): string {
  const c = lock.lockClass;
  return `${instanceAddress(lock.oid).toString(16)} (${className(c)}){${usageString(world, c)}}-{${c.wait[0]}:${c.wait[1]}}, at: ${site}`;
}

/** The locks lockdep would list for an actor: held ones, plus the one it is blocked acquiring. */
export function heldLocks(actor: Actor): HeldLock[] {
  const out = [...actor.held];
  const wait = actor.pending?.wait;
  if (wait && !wait.idle && isLockable(wait.object) && !actor.pending!.enabled()) {
    const f = actor.frames[actor.frames.length - 1];
    out.push({ lock: wait.object, site: f?.name ?? '?', read: false });
  }
  return out;
}

/** lockdep_print_held_locks for one actor. */
export function printHeldLocks(world: World, actor: Actor): string[] {
  const held = heldLocks(actor);
  if (held.length === 0) return [`no locks held by ${actor.label}.`];
  const lines = [`${held.length} lock${held.length > 1 ? 's' : ''} held by ${actor.label}:`];
  held.forEach((h, i) => {
    lines.push(` #${i}: ${lockLine(world, h.lock as Lockable, h.site)}`);
  });
  return lines;
}

/** debug_show_all_locks: every actor that holds a lock, then the closing rule. */
export function showAllLocks(world: World): string[] {
  const lines = ['Showing all locks held in the system:'];
  for (const a of world.actors) if (heldLocks(a).length > 0) lines.push(...printHeldLocks(world, a));
  lines.push('', '=============================================');
  return lines;
}
