// The swimlanes: one lane per actor, steps as dots, lock-hold bars, blocked intervals coloured by
// sleep state, and the arrows between lanes (arrows.ts). Static SVG; the page script moves the cursor.

import type { TraceDocument } from '../trace/types.js';
import { arrows, markers } from './arrows.js';
import { esc, hue, px } from './escape.js';
import { AXIS_H, type Geometry, LABEL_W, LOCK_ROW, layout, xAt, xEnd, yLine } from './geometry.js';

const KIND_NAME = { task: 'user task', kthread: 'kernel thread', irq: 'interrupt' } as const;
const CHAR_W = 6.1;

/** `&sb->s_type->i_mutex_key#17` -> `i_mutex_key#17`: the part a reader recognises. */
export function shortLock(name: string): string {
  return name.replace(/^&/, '').replace(/^.*->/, '');
}

/** Text cut to fit `width` pixels, with an ellipsis. */
function clipText(text: string, width: number): string {
  const max = Math.floor(width / CHAR_W);
  if (max < 4) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function axis(doc: TraceDocument, g: Geometry): string[] {
  const every = g.col >= 22 ? 1 : 5;
  const out = [`<g class="axis">`];
  for (let i = 1; i <= g.n; i++) {
    const x = px(xAt(g, i));
    out.push(`<line class="grid" x1="${x}" y1="${AXIS_H - 4}" x2="${x}" y2="${g.height}"/>`);
    if (i % every === 0 || i === 1) {
      const who = doc.actors[doc.steps[i - 1]!.actor]!.letter;
      out.push(
        `<text class="stepno" x="${x}" y="${AXIS_H - 9}" data-step="${i}">${i}<tspan class="who">${who}</tspan></text>`,
      );
    }
  }
  out.push('</g>');
  return out;
}

function laneBackground(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  for (const a of doc.actors) {
    const y = g.top[a.id]!;
    const h = g.laneH[a.id]!;
    const inCycle = doc.verdict.cycles.some((c) => c.includes(a.id));
    out.push(
      `<g class="lane${inCycle ? ' lane-cycle' : ''}" data-actor="${a.id}">`,
      `<rect class="lane-bg" x="0" y="${y}" width="${g.width}" height="${h}"/>`,
      `<text class="lane-label" x="10" y="${y + 20}">${esc(a.label)}</text>`,
      `<text class="lane-kind" x="10" y="${y + 35}">${KIND_NAME[a.kind]} · ${esc(a.letter)}</text>`,
      '</g>',
    );
  }
  return out;
}

/** The thin activity line: solid while runnable, dotted while idle; blocked spans get bars instead. */
function activity(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  for (const a of doc.actors) {
    const y = px(yLine(g, a.id));
    let from = -1;
    let status = '';
    const flush = (to: number) => {
      if (from < 0 || (status !== 'runnable' && status !== 'idle')) return;
      const x2 = to > g.n ? xEnd(g) : xAt(g, to);
      out.push(
        `<line class="act act-${status}" x1="${px(xAt(g, from))}" y1="${y}" x2="${px(x2)}" y2="${y}"/>`,
      );
    };
    for (let k = 0; k <= g.n; k++) {
      const s = doc.states[k]?.actors[a.id]?.status ?? 'absent';
      if (s === status) continue;
      flush(k);
      from = k;
      status = s;
    }
    flush(g.n + 1);
  }
  return out;
}

function lockBars(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  doc.locks.forEach((h, i) => {
    const x1 = xAt(g, h.from);
    const x2 = h.to === null ? xEnd(g) : xAt(g, h.to);
    const y = yLine(g, h.actor) + 13 + g.lockRow[i]! * LOCK_ROW;
    const mode = h.read ? 'shared' : 'exclusive';
    const until = h.to === null ? 'still held at the end' : `released in step ${h.to}`;
    const label = clipText(`${shortLock(h.lock)}${h.read ? ' (shared)' : ''}`, x2 - x1 - 6);
    out.push(
      `<g class="hold" data-lock="${esc(h.lock)}"><title>${esc(`${h.lock}, ${mode}, taken in ${h.site} in step ${h.from}; ${until}`)}</title>`,
      `<rect x="${px(x1)}" y="${px(y)}" width="${px(x2 - x1)}" height="${LOCK_ROW - 2}" rx="2" style="--h:${hue(h.lock)}"${h.read ? ' class="read"' : ''}/>`,
      label ? `<text x="${px(x1 + 4)}" y="${px(y + 7.5)}">${esc(label)}</text>` : '',
      '</g>',
    );
  });
  return out;
}

function blockedBars(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  for (const b of doc.blocked) {
    const x1 = xAt(g, b.from);
    const x2 = b.to === null ? xEnd(g) : xAt(g, b.to);
    const y = yLine(g, b.actor);
    const end = b.to === null ? 'never woken' : `woken in step ${b.to}`;
    const text = clipText(`${b.state} · ${b.in ?? 'user space'} · until ${b.until}`, x2 - x1 - 10);
    out.push(
      `<g class="blk blk-${b.state}${b.cycle ? ' cycle' : ''}" data-actor="${b.actor}">`,
      `<title>${esc(`${b.state} in ${b.in ?? '?'} on ${b.object} until ${b.until} (woken by: ${b.wokenBy}); blocked after step ${b.from}, ${end}`)}</title>`,
      `<rect x="${px(x1)}" y="${px(y - 8)}" width="${px(x2 - x1)}" height="16" rx="3"/>`,
      text ? `<text x="${px(x1 + 9)}" y="${px(y + 4)}">${esc(text)}</text>` : '',
      '</g>',
    );
  }
  return out;
}

function stepDots(doc: TraceDocument, g: Geometry): string[] {
  return doc.steps.map((s) => {
    const tip = [
      `step ${s.index}: ${s.label}`,
      s.note ? `→ ${s.note}` : '',
      s.frames.slice().reverse().join(' ← '),
    ]
      .filter(Boolean)
      .join('\n');
    return `<circle class="dot" cx="${px(xAt(g, s.index))}" cy="${px(yLine(g, s.actor))}" r="5" data-step="${s.index}"><title>${esc(tip)}</title></circle>`;
  });
}

/** The name of each system call a task enters, above its dot; alternate rows keep close names apart. */
function syscallNames(doc: TraceDocument, g: Geometry): string[] {
  const out: string[] = [];
  const seen = new Map<number, number>();
  for (const s of doc.steps) {
    const name = /^syscall (\w+)\(/.exec(s.label)?.[1];
    if (!name) continue;
    const n = seen.get(s.actor) ?? 0;
    seen.set(s.actor, n + 1);
    const y = yLine(g, s.actor) - (n % 2 === 0 ? 8 : 17);
    out.push(`<text class="sys" x="${px(xAt(g, s.index) - 4)}" y="${px(y)}">${esc(name)}</text>`);
  }
  return out;
}

/** The swimlane SVG of a trace. */
export function swimlanes(doc: TraceDocument): string {
  const g = layout(doc);
  const parts = [
    `<svg id="lanes" xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" data-x0="${px(LABEL_W + g.col / 2)}" data-col="${g.col}" role="img" aria-label="swimlanes: one lane per actor, steps left to right">`,
    markers(),
    ...laneBackground(doc, g),
    ...axis(doc, g),
    ...activity(doc, g),
    ...lockBars(doc, g),
    ...blockedBars(doc, g),
    ...arrows(doc, g),
    ...syscallNames(doc, g),
    ...stepDots(doc, g),
    `<line id="cursor" x1="${px(xAt(g, g.n))}" y1="${AXIS_H - 2}" x2="${px(xAt(g, g.n))}" y2="${g.height}"/>`,
    '</svg>',
  ];
  return parts.filter(Boolean).join('\n');
}
