import type { StepRecord, World } from '../core/world.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The letter of an actor in the replay token and the listing (`a` = actor 0). */
export function letterOf(id: number): string {
  return LETTERS[id] ?? `{${id}}`;
}

/** The actor legend: the letter each actor has in the replay token. */
export function legend(world: World): string {
  return world.actors.map((a) => `${letterOf(a.id)} = ${a.label}`).join(', ');
}

/** The numbered step-by-step interleaving of a recorded execution. */
export function interleaving(world: World, trace: readonly StepRecord[]): string[] {
  const label = (id: number) => world.actors[id]?.label ?? `actor ${id}`;
  const actorWidth = Math.max(...world.actors.map((a) => a.label.length));
  const fnWidth = Math.min(
    28,
    Math.max(8, ...trace.map((s) => (s.frames[s.frames.length - 1] ?? '').length)),
  );
  const numWidth = String(trace.length).length;
  const lines = [`interleaving (${trace.length} steps; ${legend(world)}):`];
  for (const s of trace) {
    // A task with no kernel frame is in user space; an interrupt or kthread is at its entry.
    const fn =
      s.frames[s.frames.length - 1] ?? (world.actors[s.actor]?.kind === 'task' ? '(user)' : '(entry)');
    let line = `  ${String(s.index).padStart(numWidth)}  ${label(s.actor).padEnd(actorWidth)}  ${fn.padEnd(fnWidth)}  ${s.label}`;
    if (s.alt !== 0) line += ` [outcome ${s.alt}]`;
    if (s.note) line += `  -- ${s.note}`;
    if (s.wakes.length > 0) line += `  (wakes ${s.wakes.map(label).join(', ')})`;
    lines.push(line);
  }
  return lines;
}
