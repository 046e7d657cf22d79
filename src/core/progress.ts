import { defineSlot, type World } from './world.js';

/** Progress events of one execution: what the livelock monitor reads after every step. */
export interface ProgressLog {
  /** Progress events so far, of every name. */
  count: number;
  /** Events by name (a model's progress points, a syscall's name). */
  readonly byName: Map<string, number>;
}

/** The world's progress log; created with the world, read by the explorer (src/explore/livelock.ts). */
export const progressSlot = defineSlot<ProgressLog>(() => ({ count: 0, byName: new Map() }));

/**
 * Marks a progress event: the execution did something a livelock never does (a model's progress
 * point, a syscall returning success to user space). Not a step: it records and returns at once.
 * Layers above core call it; the explorer never needs to know who did.
 */
export function markProgress(world: World, name: string): void {
  const log = world.slot(progressSlot);
  log.count++;
  log.byName.set(name, (log.byName.get(name) ?? 0) + 1);
}
