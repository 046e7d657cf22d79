// Arrows between lanes: wake-ups, task_work queued to a task, bios from submission to completion,
// and the wait-for cycle at the end of the trace.

import type { TraceDocument } from '../trace/types.js';
import { esc, px } from './escape.js';
import { type Geometry, xAt, xEnd, yLine } from './geometry.js';

/** Arrowhead markers, one per arrow kind (coloured by CSS through `context-stroke`-free classes). */
export function markers(): string {
  const head = (id: string) =>
    `<marker id="${id}" class="mk-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`;
  return `<defs>${['wake', 'tw', 'bio', 'cyc'].map(head).join('')}<pattern id="never" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="8" class="never"/></pattern></defs>`;
}

/** A curve from one lane to another, bulging right so that it clears the step dots. */
function curve(x1: number, y1: number, x2: number, y2: number, bulge: number): string {
  const mx = (x1 + x2) / 2 + bulge;
  const my = (y1 + y2) / 2;
  return `M${px(x1)},${px(y1)} Q${px(mx)},${px(my)} ${px(x2)},${px(y2)}`;
}

function arrow(cls: string, marker: string, d: string, title: string, label = '', lx = 0, ly = 0): string {
  const text = label ? `<text x="${px(lx)}" y="${px(ly)}">${esc(label)}</text>` : '';
  return `<g class="arrow ${cls}"><title>${esc(title)}</title><path d="${d}" marker-end="url(#${marker})"/>${text}</g>`;
}

function crossLane(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  const label = (id: number) => doc.actors[id]?.label ?? `actor ${id}`;
  for (const e of doc.events) {
    if (e.target === null || e.target === e.actor) continue;
    const x = xAt(g, e.step);
    const y1 = yLine(g, e.actor);
    const y2 = yLine(g, e.target);
    const dir = y2 > y1 ? 1 : -1;
    if (e.kind === 'wake') {
      out.push(
        arrow(
          'arr-wake',
          'wake',
          curve(x, y1 + 6 * dir, x, y2 - 9 * dir, -10),
          `step ${e.step}: ${label(e.actor)} wakes ${label(e.target)}`,
        ),
      );
    } else if (e.kind === 'task_work_add') {
      // io_uring's own list (tctx list or local work) is labelled left of the arrow, task_work right.
      const ring = e.what.startsWith('io_uring: ');
      out.push(
        arrow(
          `arr-tw${ring ? ' ring' : ''}`,
          'tw',
          curve(x, y1 + 6 * dir, x, y2 - 9 * dir, ring ? -12 : 12),
          `step ${e.step}: ${label(e.actor)} queues ${e.what} for ${label(e.target)}`,
          ring ? 'tctx list' : 'task_work',
          ring ? x - 10 : x + 10,
          (y1 + y2) / 2,
        ),
      );
    }
  }
  return out;
}

function bioArrows(doc: TraceDocument, g: Geometry): string[] {
  return doc.bios.flatMap((b) => {
    if (b.irq === null) return [];
    const x1 = xAt(g, b.submitted);
    const y1 = yLine(g, b.by);
    const x2 = b.completed === null ? xEnd(g) : xAt(g, b.completed);
    const y2 = yLine(g, b.irq);
    const dir = y2 > y1 ? 1 : -1;
    // Runs just beside the interrupt's line, on the side it comes from, and ends at the completion.
    const side = y2 + 10 * -dir;
    const d = `M${px(x1)},${px(y1 + 6 * dir)} C${px(x1 + 20)},${px(side)} ${px(x1 + 40)},${px(side)} ${px(x1 + 60)},${px(side)} L${px(x2 - 24)},${px(side)} Q${px(x2 - 6)},${px(side)} ${px(x2 - 3)},${px(y2 + 6 * -dir)}`;
    const done = b.completed === null ? 'still in flight at the end' : `completed in step ${b.completed}`;
    return [
      arrow(
        'arr-bio',
        'bio',
        d,
        `bio ${b.what} on ${b.device}: submitted in step ${b.submitted}, ${done}`,
        `bio in flight: ${b.what}`,
        x1 + 64,
        side + (dir > 0 ? -4 : 13),
      ),
    ];
  });
}

/** The wait-for cycle, drawn where the trace ends: a loop for a task that waits for itself. */
function cycleArrows(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  const label = (id: number) => doc.actors[id]?.label ?? `actor ${id}`;
  const x = xEnd(g) - 70;
  for (const e of doc.waitFor) {
    if (!e.cycle || e.to === null) continue;
    const y1 = yLine(g, e.from);
    const title = `${label(e.from)} waits until ${label(e.to)} can ${e.how}`;
    if (e.to === e.from) {
      const d = `M${px(x)},${px(y1 - 9)} C${px(x + 40)},${px(y1 - 40)} ${px(x - 80)},${px(y1 - 40)} ${px(x - 60)},${px(y1 - 10)}`;
      out.push(arrow('arr-cycle', 'cyc', d, title, 'waits for itself', x - 70, y1 - 30));
    } else {
      const y2 = yLine(g, e.to);
      const dir = y2 > y1 ? 1 : -1;
      out.push(
        arrow(
          'arr-cycle',
          'cyc',
          curve(x, y1 + 9 * dir, x, y2 - 10 * dir, 24),
          title,
          'waits for',
          x + 14,
          (y1 + y2) / 2,
        ),
      );
    }
  }
  return out;
}

/** Every arrow of the swimlanes. */
export function arrows(doc: TraceDocument, g: Geometry): string[] {
  return [...bioArrows(doc, g), ...crossLane(doc, g), ...cycleArrows(doc, g)];
}
