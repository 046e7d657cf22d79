// The lockdep dependency graph, laid out by dagre at render time and inlined as SVG, so the page
// needs no script to draw it.

import dagre from '@dagrejs/dagre';
import type { LockdepGraph } from '../trace/types.js';
import { esc, px } from './escape.js';

const NODE_H = 30;
const CHAR_W = 7;

const KIND_TEXT: Record<string, string> = {
  EN: 'exclusive → non-recursive',
  SN: 'shared → non-recursive',
  ER: 'exclusive → recursive read',
  SR: 'shared → recursive read',
};

/** What an edge's kinds mean, for its tooltip (`EN|SR`). */
function kindsText(kinds: string): string {
  return kinds
    .split('|')
    .map((k) => KIND_TEXT[k] ?? k)
    .join(', ');
}

/** The lockdep graph as SVG, or a sentence when there is nothing to draw. */
export function lockdepSvg(graph: LockdepGraph | null): string {
  if (graph === null) return '<p class="muted">lockdep was off for this run.</p>';
  if (graph.classes.length === 0) return '<p class="muted">lockdep saw no lock taken in this run.</p>';
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of graph.classes) g.setNode(c, { label: c, width: c.length * CHAR_W + 24, height: NODE_H });
  for (const e of graph.edges) {
    g.setEdge(e.from, e.to, { label: e.kinds, width: e.kinds.length * 7 + 6, height: 14, labelpos: 'c' });
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const inCycle = new Set(graph.cycle);
  const out = [
    `<svg id="lockdep-graph" xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" aria-label="lockdep dependency graph">`,
    '<defs><marker id="dep" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  ];
  for (const e of graph.edges) {
    const lay = g.edge(e.from, e.to);
    const pts: readonly { x: number; y: number }[] = lay.points ?? [];
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x)},${px(p.y)}`).join(' ');
    const cyc = inCycle.has(e.from) && inCycle.has(e.to) ? ' cycle' : '';
    out.push(
      `<g class="dep${cyc}"><title>${esc(`${e.from} -> ${e.to}: ${kindsText(e.kinds)}`)}</title><path d="${d}" marker-end="url(#dep)"/>`,
      `<text x="${px(lay.x ?? 0)}" y="${px((lay.y ?? 0) + 4)}">${esc(e.kinds)}</text></g>`,
    );
  }
  for (const c of graph.classes) {
    const n = g.node(c);
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const cyc = inCycle.has(c) ? ' cycle' : '';
    out.push(
      `<g class="cls${cyc}"><title>${esc(`lock class ${c}`)}</title><rect x="${px(x)}" y="${px(y)}" width="${px(n.width)}" height="${px(n.height)}" rx="6"/>`,
      `<text x="${px(n.x)}" y="${px(n.y + 4)}">${esc(c)}</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
