import type { Execution } from '../explore/execute.js';
import type { LivelockCycle } from '../explore/livelock.js';

// How a livelock found by the livelock bound reads: the steps that repeat, by actor and op.

/** Steps of a cycle listed in the text report at most; a longer cycle says how many are left out. */
const SHOWN = 40;

/** The fair livelock's cycle, if the execution ended in one. */
export function livelockCycle(ex: Execution): LivelockCycle | null {
  return ex.outcome.kind === 'livelock' ? (ex.outcome.cycle ?? null) : null;
}

function labels(ex: Execution, ids: readonly number[]): string {
  return ids.map((id) => ex.world.actors[id]!.label).join(', ');
}

/** The verdict line's text after `livelock: `. */
export function cycleSummary(ex: Execution, c: LivelockCycle): string {
  const repeat = c.periodic
    ? `repeating a cycle of ${c.period} step${c.period === 1 ? '' : 's'}`
    : `with no cycle that repeats in the last ${c.period} steps`;
  return `${labels(ex, c.actors)} ran ${c.window} steps without progress, ${repeat}`;
}

/** The headline of the cycle's listing. */
function cycleHeadline(c: LivelockCycle): string {
  const since = `no progress since step ${c.from}`;
  return c.periodic
    ? `these ${c.period} steps repeat forever (the schedule repeats them from step ${c.since} on; ${since}):`
    : `no progress in the last ${c.window} steps (since step ${c.from}), and no cycle repeats; the last ${c.period}:`;
}

/** The cycle as the text report lists it: a headline, then one line per step. */
export function cycleLines(ex: Execution, c: LivelockCycle): string[] {
  const width = Math.max(...ex.world.actors.map((a) => a.label.length));
  const trace = ex.world.trace;
  const steps = c.steps.slice(0, SHOWN).map((s) => {
    const a = ex.world.actors[s.actor]!;
    const note = trace?.[s.index - 1]?.note;
    return `  ${String(s.index).padStart(5)}  ${a.label.padEnd(width)}  ${s.label}${note ? `  -- ${note}` : ''}`;
  });
  const more = c.steps.length > SHOWN ? [`  ... ${c.steps.length - SHOWN} more`] : [];
  const blocked = ex.outcome.kind === 'livelock' ? ex.outcome.blocked : [];
  const meanwhile = blocked.length > 0 ? [`blocked meanwhile: ${labels(ex, blocked)}`] : [];
  return [cycleHeadline(c), ...steps, ...more, ...meanwhile];
}

/** The cycle as JSON data (the check and replay output, the trace's verdict). */
export function cycleJson(ex: Execution, c: LivelockCycle) {
  return {
    window: c.window,
    from: c.from,
    since: c.since,
    period: c.period,
    periodic: c.periodic,
    actors: c.actors.map((id) => ex.world.actors[id]!.label),
    steps: c.steps.map((s) => ({
      index: s.index,
      actor: s.actor,
      label: ex.world.actors[s.actor]!.label,
      alt: s.alt,
      op: s.label,
    })),
  };
}
