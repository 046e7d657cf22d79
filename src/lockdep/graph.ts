// The lock dependency graph and its strong-path breadth-first search (kernel/locking/lockdep.c:
// struct lock_list, calc_dep, calc_depb, add_lock_to_list, __bfs). reference/lockdep.md 1.5 and 2.

import type { LockClass, Trace } from './class.js';
import type { ReadMode } from './held.js';

/** Dependency kinds as bits of `dep` (bit number: bit0 prev exclusive, bit1 next non-recursive). */
export const DEP = { SR: 1 << 0, ER: 1 << 1, SN: 1 << 2, EN: 1 << 3 } as const;

/** One dependency entry (struct lock_list) in a class's `after` or `before` list. */
export interface LockEdge {
  /** The class at the other end. */
  readonly cls: LockClass;
  /** OR of DEP bits seen for this pair (for `before` lists: calc_depb's view). */
  dep: number;
  distance: number;
  /** The stack saved when the dependency was first added. */
  readonly trace: Trace;
}

/** calc_dep: the kind of the forward edge prev -> next. */
export function calcDep(prevRead: ReadMode, nextRead: ReadMode): number {
  return 1 << ((prevRead === 0 ? 1 : 0) + (nextRead !== 2 ? 2 : 0));
}

/** calc_depb: the kind recorded in next's `before` list (the edge seen from next). */
export function calcDepb(prevRead: ReadMode, nextRead: ReadMode): number {
  return calcDep(nextRead, prevRead);
}

/** Names of the kinds set in a dep mask, e.g. `EN|SR`. */
export function depNames(dep: number): string {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(DEP)) if (dep & bit) out.push(name);
  return out.join('|');
}

/** A node of a BFS tree (a lock_list with its parent pointer). */
export interface BfsNode {
  readonly cls: LockClass;
  readonly parent: BfsNode | undefined;
  /** The edge kinds that led here (unused for the root). */
  readonly dep: number;
  /** The trace of the edge that led here; for the root, set by the reporter. */
  readonly trace: Trace;
  /** Whether this node was reached only through -(*R)-> edges. */
  onlyXr: boolean;
  /** Edges from the root. */
  readonly depth: number;
}

/** A BFS root (bfs_init_root / bfs_init_rootb). */
export function bfsRoot(cls: LockClass, onlyXr: boolean, trace: Trace = []): BfsNode {
  return { cls, parent: undefined, dep: 0, trace, onlyXr, depth: 0 };
}

/** Direction of a search: `after` = forwards (locks_after), `before` = backwards (locks_before). */
export type BfsDirection = 'after' | 'before';

/** Counts graph work, so tests can see that a chain-cache hit does none. */
export interface GraphStats {
  searches: number;
}

/**
 * __bfs: breadth-first search along strong paths only (no -(*R)-> followed by -(S*)->). Each class is
 * processed once per search, when first dequeued, as in the kernel (dep_gen_id). Returns the first
 * node that `match` accepts (the root included), or undefined; `skip` prunes a node and its subtree.
 */
export function bfs(
  root: BfsNode,
  dir: BfsDirection,
  match: (n: BfsNode) => boolean,
  stats: GraphStats,
  skip?: (n: BfsNode) => boolean,
): BfsNode | undefined {
  stats.searches++;
  const accessed = new Set<LockClass>();
  const queue: BfsNode[] = [root];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (accessed.has(node.cls)) continue;
    accessed.add(node.cls);
    if (node.parent) {
      let dep = node.dep;
      // -(*R)-> -(S*)-> is not a strong dependency: mask S* after an only-*R step.
      if (node.parent.onlyXr) dep &= ~(DEP.SR | DEP.SN);
      if (!dep) continue;
      node.onlyXr = (dep & (DEP.SN | DEP.EN)) === 0;
    }
    if (skip?.(node)) continue;
    if (match(node)) return node;
    for (const e of node.cls[dir]) {
      queue.push({
        cls: e.cls,
        parent: node,
        dep: e.dep,
        trace: e.trace,
        onlyXr: false,
        depth: node.depth + 1,
      });
    }
  }
  return undefined;
}

/** The path of a BFS node from the root, root first. */
export function bfsPath(node: BfsNode): BfsNode[] {
  const path: BfsNode[] = [];
  for (let n: BfsNode | undefined = node; n; n = n.parent) path.unshift(n);
  return path;
}
