// A DEPT-style wait/event tracker (Byungchul Park's DEPendency Tracker; reference section 4).
// It tracks waits and events instead of acquisition order: a wait [W] blocks until an event of
// some class happens; an event context starts [S] where a context begins heading toward an event
// and ends at the event [E]. A wait for class W inside the event context of class E means "E
// depends on W". A cycle in this event graph is a deadlock; a self-loop is an AA deadlock.
// Standalone: plain code can feed waits and open contexts and read kernel-format reports.

import { DEFAULT_IDENT, type KernelIdent } from './format.js';

/** Where something happened: the function, and the call stack innermost first. */
export interface DeptSite {
  readonly fn: string;
  readonly stack: readonly string[];
  /** The caller printed as `[<addr>] ip` (the first stack frame when absent). */
  readonly ip?: string;
}

/** The task a wait happens in. */
export interface DeptTask {
  readonly comm: string;
  readonly pid: number;
  readonly cpu?: number;
}

/** An event class as DEPT prints it: `name:subclass`. */
export interface DeptClass {
  readonly name: string;
  readonly subclass: number;
}

/** An event context open in the waiting task: it will deliver an event of `cls` at `e`, once past the wait. */
export interface DeptOpen {
  readonly cls: DeptClass;
  /** [S]: where the context began heading toward the event. */
  readonly s: DeptSite;
  /** [E]: the function that delivers the event (`unlock`, `inode_dio_end`). */
  readonly e: string;
}

/** A wait that blocked: [W] on an event of `cls`. */
export interface DeptWait {
  readonly cls: DeptClass;
  readonly w: DeptSite;
}

/** One dependency: inside `task`'s event context of `from`, a wait for `to` blocked. */
export interface DeptEdge {
  readonly from: DeptClass;
  readonly to: DeptClass;
  readonly task: DeptTask;
  readonly s: DeptSite;
  readonly w: DeptSite;
  readonly e: string;
}

/** A circular-dependency report. */
export interface DeptReport {
  readonly kind: 'circular';
  readonly headline: string;
  /** The cycle's edges: the one the reported wait added first, then the path back to its start. */
  readonly cycle: readonly DeptEdge[];
  text(): string;
}

const RULE = '-'.repeat(51);
const BANNER = '='.repeat(51);

/** A stable fake text address for a call site, as lockdep's printer makes them. */
function siteAddress(site: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 0x01000193) >>> 0;
  return (0xffffffff81000000n + BigInt(h & 0xfffff0)).toString(16);
}

function key(c: DeptClass): string {
  return `${c.name}:${c.subclass}`;
}

function entry(fn: string, c: DeptClass): string {
  return `${fn}(${key(c)})`;
}

/** The context letters: A, B, ..., Z, then AA, AB... */
function letter(i: number): string {
  const l = String.fromCharCode(65 + (i % 26));
  return i < 26 ? l : letter(Math.floor(i / 26) - 1) + l;
}

function render(cycle: readonly DeptEdge[], waiter: DeptTask, ident: KernelIdent): string {
  const lines = [BANNER, 'DEPT: Circular dependency has been detected.'];
  lines.push(`${ident.release} ${ident.build} ${ident.taint}`, RULE, 'summary', RULE);
  lines.push(cycle.length === 1 ? '*** AA DEADLOCK ***' : '*** DEADLOCK ***', '');
  const summary = (e: DeptEdge, i: number) => [
    `context ${letter(i)}`,
    `    [S] ${entry(e.s.fn, e.from)}`,
    `    [W] ${entry(e.w.fn, e.to)}`,
    `    [E] ${entry(e.e, e.from)}`,
  ];
  cycle.forEach((e, i) => {
    lines.push(...summary(e, i));
  });
  lines.push('', '[S]: start of the event context', '[W]: the wait blocked', '[E]: the event not reachable');
  const stack = (site: DeptSite) => {
    const at = site.ip ?? site.stack[0] ?? site.fn;
    return [`[<${siteAddress(at)}>] ${at}`, 'stacktrace:', ...site.stack.map((f) => `      ${f}`)];
  };
  cycle.forEach((e, i) => {
    lines.push(RULE, `context ${letter(i)}'s detail`, RULE, ...summary(e, i), '');
    lines.push(`[S] ${entry(e.s.fn, e.from)}:`, ...stack(e.s), '');
    lines.push(`[W] ${entry(e.w.fn, e.to)}:`, ...stack(e.w), '');
    lines.push(`[E] ${entry(e.e, e.from)}:`, '(N/A)');
  });
  lines.push(RULE, 'information that might be helpful', RULE);
  lines.push(
    `CPU: ${waiter.cpu ?? 0} PID: ${waiter.pid} Comm: ${waiter.comm.slice(0, 20)} ${ident.taint} ${ident.release} ${ident.build}`,
    'Call Trace:',
    ' <TASK>',
    ...cycle[0]!.w.stack.map((f) => ` ${f}`),
    ' </TASK>',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The event graph and its reports. Edges are kept at class level (the first edge between two
 * classes keeps its sites), so a cycle is found even when its waits did not overlap in time.
 * Each distinct cycle (by its set of edges) is reported once.
 */
export class Dept {
  private readonly edges = new Map<string, Map<string, DeptEdge>>();
  private readonly seen = new Set<string>();
  private readonly all: DeptReport[] = [];
  readonly ident: KernelIdent;

  constructor(ident: Partial<KernelIdent> = {}) {
    this.ident = { ...DEFAULT_IDENT, ...ident };
  }

  /** Every report so far, in order. */
  reports(): readonly DeptReport[] {
    return this.all;
  }

  /** Number of dependencies recorded. */
  get size(): number {
    let n = 0;
    for (const m of this.edges.values()) n += m.size;
    return n;
  }

  /**
   * A wait of `task` blocked on `wait` while the contexts `open` were open in it. Adds an edge from
   * each open event to the waited one, then reports the first cycle this wait closes, if new.
   */
  wait(task: DeptTask, wait: DeptWait, open: readonly DeptOpen[]): DeptReport | null {
    const added: DeptEdge[] = [];
    for (const o of open) {
      let out = this.edges.get(key(o.cls));
      if (!out) this.edges.set(key(o.cls), (out = new Map()));
      let e = out.get(key(wait.cls));
      if (!e) {
        e = { from: o.cls, to: wait.cls, task, s: o.s, w: wait.w, e: o.e };
        out.set(key(wait.cls), e);
      }
      added.push(e);
    }
    for (const first of added) {
      const back = this.path(key(first.to), key(first.from));
      if (!back) continue;
      const cycle = [first, ...back];
      const id = cycle
        .map((e) => `${key(e.from)}>${key(e.to)}`)
        .sort()
        .join('|');
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      const ident = this.ident;
      const report: DeptReport = {
        kind: 'circular',
        headline: 'DEPT: Circular dependency has been detected.',
        cycle,
        text: () => render(cycle, task, ident),
      };
      this.all.push(report);
      return report;
    }
    return null;
  }

  /** Breadth-first shortest path of edges from class `from` to class `to`; [] when they are equal. */
  private path(from: string, to: string): DeptEdge[] | null {
    if (from === to) return [];
    const via = new Map<string, DeptEdge>();
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const cur = queue[i]!;
      for (const [next, e] of this.edges.get(cur) ?? []) {
        if (next === from || via.has(next)) continue;
        via.set(next, e);
        if (next === to) {
          const out: DeptEdge[] = [];
          for (let k = to; k !== from; k = key(via.get(k)!.from)) out.unshift(via.get(k)!);
          return out;
        }
        queue.push(next);
      }
    }
    return null;
  }
}
