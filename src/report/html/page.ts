// The self-contained HTML report of one counterexample: the data, the stylesheet and the script are
// inlined, and the swimlanes and the lockdep graph are drawn as SVG here, so the page opens from
// file:// with no network. The same trace always gives the same bytes.

import type { TraceDocument } from '../trace/types.js';
import { esc, inlineJson } from './escape.js';
import { lockdepSvg } from './graph.js';
import { swimlanes } from './lanes.js';
import { SCRIPT } from './script.js';
import { STYLE } from './style.js';

const PROBLEMS = new Set(['deadlock', 'livelock', 'assertion', 'lockdep', 'dept']);

function title(doc: TraceDocument): string {
  const params = Object.entries(doc.target.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${doc.target.scenario} on ${doc.target.variant}${params ? ` (${params})` : ''}`;
}

function header(doc: TraceDocument): string {
  const bad = PROBLEMS.has(doc.verdict.kind) ? ' bad' : '';
  return `<header>
<div class="titles"><h1>${esc(doc.target.scenario)} on ${esc(doc.target.variant)}</h1><span class="badge${bad}" id="verdict">${esc(doc.verdict.kind)}</span></div>
<button id="theme" type="button" aria-pressed="false">Dark theme</button>
<p class="verdict-line">${esc(doc.verdict.line)}</p>
<div class="token"><span class="muted">replay:</span><code id="token">${esc(doc.token)}</code><button id="copy" type="button">Copy</button><span class="muted">run <code>lockstep replay &lt;token&gt;</code> to see this schedule again</span></div>
</header>`;
}

/** The plain-words explanation; the sentence that closes the cycle stands out. */
function why(doc: TraceDocument): string {
  const v = doc.verdict;
  if (v.why.length === 0 && v.report === null) return '';
  const items = v.why.map((s) => {
    const closes = /^So |^Wait-for cycle:/.test(s);
    return `<li${closes ? ' class="cycle"' : ''}>${esc(s)}</li>`;
  });
  // A report without a wait-for explanation (lockdep, DEPT, assertion) is summed up by its verdict line.
  const summary = items.length === 0 ? `<p>${esc(v.line)}</p>` : '';
  const report = v.report
    ? `${summary}<details><summary>the ${esc(v.kind)} report, as the kernel prints it</summary><pre class="report">${esc(v.report)}</pre></details>`
    : '';
  const heading =
    v.kind === 'livelock'
      ? 'Why it never finishes'
      : v.cycles.length
        ? 'Why it hangs: the wait-for cycle'
        : `Why: the ${v.kind} report`;
  return `<section class="card why" id="why"><h2>${heading}</h2>${items.length ? `<ol>${items.join('')}</ol>` : ''}${report}</section>`;
}

const LEGEND = `<div class="legend" aria-hidden="true">
<span><i style="background:var(--D)"></i>blocked D (uninterruptible)</span>
<span><i style="background:var(--S)"></i>S (interruptible)</span>
<span><i style="background:var(--K)"></i>K (killable)</span>
<span><i style="background:var(--R)"></i>R (spinning retry)</span>
<span><i style="background:hsl(210 var(--lock-s) var(--lock-l))"></i>lock held</span>
<span><i class="line" style="border-color:var(--bio);border-top-style:dashed"></i>bio in flight</span>
<span><i class="line" style="border-color:var(--tw)"></i>task_work queued</span>
<span><i class="line" style="border-color:var(--wake);border-top-style:dotted"></i>wake-up</span>
<span><i class="line" style="border-color:var(--cycle)"></i>wait-for cycle</span>
</div>`;

function timeline(doc: TraceDocument): string {
  const n = doc.steps.length;
  return `<section class="card" id="timeline"><h2>Timeline: one lane per actor, step by step</h2>
${LEGEND}
<div class="scroll">
${swimlanes(doc)}
</div>
<div class="slider"><button id="prev" type="button" aria-label="previous step">◀</button><input id="step" type="range" min="0" max="${n}" value="${n}" aria-label="step"><button id="next" type="button" aria-label="next step">▶</button><output id="step-label" for="step">step ${n} of ${n}</output></div>
<div id="now"></div>
</section>
<section id="world"><h2>The world after this step</h2><div class="state" id="state"></div></section>`;
}

function lockdep(doc: TraceDocument): string {
  const edges = doc.lockdep?.edges.length ?? 0;
  return `<section class="card" id="lockdep"><h2>Lockdep dependency graph <span class="muted">(${doc.lockdep?.classes.length ?? 0} classes, ${edges} dependencies in this run; laid out by dagre)</span></h2>
<div class="graph-wrap">${lockdepSvg(doc.lockdep)}</div></section>`;
}

function steps(doc: TraceDocument): string {
  const rows = doc.steps.map((s) => {
    const who = doc.actors[s.actor]!;
    const fn = s.frames[s.frames.length - 1] ?? '';
    return `<tr data-step="${s.index}"><td>${s.index}</td><td>${esc(who.label)}</td><td class="mono">${esc(fn)}</td><td class="mono">${esc(s.label)}${s.note ? ` <span class="note">→ ${esc(s.note)}</span>` : ''}</td></tr>`;
  });
  return `<details class="card" id="steps"><summary>Interleaving: ${doc.steps.length} steps</summary>
<table class="steps"><thead><tr><th>#</th><th>actor</th><th>function</th><th>step</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></details>`;
}

/** The whole page for a trace. */
export function renderHtml(doc: TraceDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lockstep (lockstep-trace v${doc.version})">
<title>${esc(`${title(doc)}: ${doc.verdict.kind}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(doc)}
${why(doc)}
${timeline(doc)}
${lockdep(doc)}
${steps(doc)}
<footer>lockstep-trace version ${doc.version} · ${esc(title(doc))} · steps are atomic and sequentially consistent; see the README for what the model leaves out.</footer>
</main>
<script type="application/json" id="trace-data">${inlineJson(doc)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
