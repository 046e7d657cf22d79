import type { Actor } from '../core/actor.js';
import type { Provider, SleepState } from '../core/op.js';
import type { World } from '../core/world.js';
import { kernelOf } from '../kernel/boot.js';

const STATE_NAME: Record<SleepState, string> = {
  D: 'TASK_UNINTERRUPTIBLE',
  S: 'TASK_INTERRUPTIBLE',
  K: 'TASK_KILLABLE',
  R: 'TASK_RUNNING, spinning',
};

/** Where an actor sleeps: the innermost model function. */
function sleepsIn(actor: Actor): string {
  return actor.frames[actor.frames.length - 1]?.name ?? 'its program';
}

function providersOf(actor: Actor): readonly Provider[] {
  const wait = actor.pending?.wait;
  return wait?.object.providers?.(actor) ?? [];
}

/** Follows wait-for edges from `start` and returns the first cycle through it, if any. */
function cycleFrom(world: World, start: Actor): Actor[] | null {
  const path: Actor[] = [start];
  const seen = new Set<Actor>([start]);
  let cur = start;
  for (;;) {
    const next =
      providersOf(cur).find((p) => p.actor !== null && p.actor.status() === 'blocked')?.actor ?? null;
    if (next === null) return null;
    if (next === start) return path;
    if (seen.has(next)) return null;
    seen.add(next);
    path.push(next);
    cur = next;
    if (path.length > world.actors.length) return null;
  }
}

/** The wait-for cycles among the blocked actors, each once, starting at its first blocked actor. */
export function waitForCycles(world: World): Actor[][] {
  const out: Actor[][] = [];
  const reported = new Set<Actor>();
  for (const a of world.blocked()) {
    if (reported.has(a)) continue;
    const cycle = cycleFrom(world, a);
    if (!cycle) continue;
    for (const c of cycle) reported.add(c);
    out.push(cycle);
  }
  return out;
}

/** One wait-for edge: `from` is blocked until `to` (null: nobody in the model) does `how`. */
export interface WaitForEdge {
  readonly from: Actor;
  readonly to: Actor | null;
  readonly how: string;
}

/** Every blocked actor's wait-for edges, to each provider of what it waits for. */
export function waitForEdges(world: World): WaitForEdge[] {
  return world.blocked().flatMap((a) => providersOf(a).map((p) => ({ from: a, to: p.actor, how: p.how })));
}

/**
 * The wait-for explanation in plain words: for each blocked actor, what it waits for, who alone
 * could provide it and how; then the cycle, if the waits close one.
 */
export function explain(world: World): string[] {
  const out: string[] = [];
  const k = kernelOf(world);
  const blocked = world.blocked();
  for (const a of blocked) {
    const wait = a.pending!.wait!;
    const state = STATE_NAME[wait.state];
    if (wait.spin) {
      out.push(
        `${a.label} runs in a retry loop (${state}): ${a.pending!.label} succeeds only once ${wait.until}.`,
      );
    } else {
      const ends = wait.state === 'D' ? 'nothing else ends that sleep' : `${wait.wokenBy} would also end it`;
      out.push(`${a.label} sleeps in ${sleepsIn(a)} (${state}) until ${wait.until}; ${ends}.`);
    }
    const providers = providersOf(a);
    if (providers.length === 0) {
      out.push(`Nothing in the model can make ${wait.until} true.`);
    }
    for (const [i, p] of providers.entries()) {
      const who =
        p.actor === null
          ? 'something outside the model'
          : p.actor === a
            ? `${a.label} itself`
            : p.actor.label;
      const status = p.actor && p.actor !== a ? ` (${p.actor.label} is ${p.actor.status()})` : '';
      out.push(`${i === 0 ? 'That needs' : 'Or it needs'} ${who} to ${p.how}${status}.`);
    }
    const ti = k?.tasks.get(a.id)?.ti;
    if (wait.state === 'D' && ti?.notifySignal) {
      out.push(`TIF_NOTIFY_SIGNAL is set on ${a.label}, but it wakes only TASK_INTERRUPTIBLE sleepers.`);
    }
    if (wait.state === 'D' && ti?.fatal_signal_pending()) {
      out.push(`SIGKILL is pending on ${a.label}, but not even SIGKILL ends a TASK_UNINTERRUPTIBLE sleep.`);
    }
  }
  for (const cycle of waitForCycles(world)) {
    const a = cycle[0]!;
    if (cycle.length === 1 && a.pending?.wait?.spin) {
      out.push(`So ${a.label} spins waiting for itself: it never does what would end its retries.`);
    } else if (cycle.length === 1) {
      out.push(`So ${a.label} waits for itself: a one-task wait-for cycle that nothing can break.`);
    } else {
      out.push(`Wait-for cycle: ${[...cycle, a].map((c) => c.label).join(' -> ')}.`);
    }
  }
  return out;
}

/** Wraps sentences into `why:` lines of at most `width` columns. */
export function formatWhy(sentences: readonly string[], width = 100): string[] {
  const lines: string[] = [];
  for (const s of sentences) {
    let line = '';
    for (const word of s.split(' ')) {
      if (line && line.length + 1 + word.length > width - 5) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
  }
  return lines.map((l, i) => `${i === 0 ? 'why:' : '    '} ${l}`);
}
