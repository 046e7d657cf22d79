import type { SimObject } from '../core/op.js';
import type { Choice } from '../core/schedule.js';
import { type ChoicePoint, fairOrder, type Strategy } from './strategy.js';

/**
 * A choice with the ids of the objects its step touches, as seen at the branch where it was
 * enabled. Ids, not objects: every execution builds a fresh world, and ids are what stay the same.
 */
interface Footprint {
  readonly choice: Choice;
  /** Objects written. */
  readonly touches: readonly number[];
  /** Objects only read. */
  readonly reads: readonly number[];
}

function oids(objects: readonly SimObject[] | undefined): number[] {
  return objects ? objects.map((o) => o.oid) : [];
}

interface Branch {
  readonly options: readonly Footprint[];
  /** The sleep set on arrival: steps whose schedules from here were all explored elsewhere. */
  readonly sleep: readonly Footprint[];
  index: number;
}

function independent(a: Footprint, b: Footprint): boolean {
  if (a.choice.actor === b.choice.actor) return false;
  for (const x of a.touches) if (b.touches.includes(x) || b.reads.includes(x)) return false;
  for (const x of a.reads) if (b.touches.includes(x)) return false;
  return true;
}

function same(a: Choice, b: Choice): boolean {
  return a.actor === b.actor && a.alt === b.alt;
}

/**
 * Exhaustive depth-first search over schedules, stateless: each execution replays the branch log
 * up to the deepest branch with an untried option, takes it, and continues with first options.
 *
 * With sleep sets (Godefroid 1996) on, a step that commutes with everything run since its
 * sibling branch was explored is not explored again: two steps commute when they belong to
 * different actors and touch disjoint objects. Every deadlock and failed assertion is still
 * found; schedules that differ only by the order of commuting steps are run once or cut short.
 */
export class DfsStrategy implements Strategy {
  readonly name: string;
  private readonly log: Branch[] = [];
  private done = false;

  constructor(private readonly sleepSets = true) {
    this.name = sleepSets ? 'exhaustive' : 'exhaustive-naive';
  }

  get exhausted(): boolean {
    return this.done;
  }

  get distinctTraces(): boolean {
    return this.sleepSets;
  }

  beginExecution(): boolean {
    return !this.done;
  }

  pick(point: ChoicePoint): Choice | null {
    const b = this.log[point.depth];
    if (b) return b.options[b.index]!.choice;
    const sleep = this.sleepAt(point.depth);
    const options: Footprint[] = [];
    for (const c of fairOrder(point)) {
      if (sleep.some((s) => same(s.choice, c))) continue;
      if (!this.sleepSets) {
        options.push({ choice: c, touches: [], reads: [] });
        continue;
      }
      const op = point.op(c);
      options.push({ choice: c, touches: oids(op.touches), reads: oids(op.reads) });
    }
    if (options.length === 0) return null;
    this.log.push({ options, sleep, index: 0 });
    return options[0]!.choice;
  }

  /** The sleep set of a new branch at `depth`, from its parent's sleep set and explored siblings. */
  private sleepAt(depth: number): Footprint[] {
    const parent = this.log[depth - 1];
    if (!this.sleepSets || !parent) return [];
    const taken = parent.options[parent.index]!;
    const out: Footprint[] = [];
    for (const s of parent.sleep) if (independent(s, taken)) out.push(s);
    for (let i = 0; i < parent.index; i++) {
      const s = parent.options[i]!;
      if (independent(s, taken)) out.push(s);
    }
    return out;
  }

  endExecution(depth: number): void {
    this.log.length = Math.min(this.log.length, depth + 1);
    while (this.log.length > 0) {
      const top = this.log[this.log.length - 1]!;
      if (top.index + 1 < top.options.length) {
        top.index++;
        return;
      }
      this.log.pop();
    }
    this.done = true;
  }
}
