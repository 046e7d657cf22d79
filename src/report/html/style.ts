/** The page's stylesheet: light by default, dark by prefers-color-scheme or the toggle. */
export const STYLE = `
:root {
  color-scheme: light;
  --bg: #f7f8fa; --fg: #1b2230; --muted: #5f6b7d; --panel: #ffffff; --border: #d8dde6;
  --lane-a: #ffffff; --lane-b: #f2f4f8; --grid: #e7eaf0; --accent: #2563c9;
  --D: #c8322a; --S: #2f6fd6; --K: #d06a00; --R: #7c4ddb; --cycle: #b3261e; --cycle-bg: #fdecea;
  --wake: #7b8698; --tw: #9a34c9; --bio: #c76b00; --lock-l: 64%; --lock-s: 58%; --lock-fg: #1b2230;
  --changed: #fff3bf; --never: #c8322a55;
}
:root[data-theme="dark"] {
  color-scheme: dark;
  --bg: #0f1318; --fg: #e5e9f0; --muted: #9aa5b5; --panel: #171c23; --border: #2c3440;
  --lane-a: #141920; --lane-b: #11151b; --grid: #222a35; --accent: #6ea2ff;
  --D: #f0564a; --S: #5c95f2; --K: #f59a23; --R: #a58bff; --cycle: #ff7a6e; --cycle-bg: #3a1714;
  --wake: #8c97a8; --tw: #cf7dff; --bio: #ffa94d; --lock-l: 42%; --lock-s: 45%; --lock-fg: #f4f6fa;
  --changed: #4a3f12; --never: #f0564a55;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    color-scheme: dark;
    --bg: #0f1318; --fg: #e5e9f0; --muted: #9aa5b5; --panel: #171c23; --border: #2c3440;
    --lane-a: #141920; --lane-b: #11151b; --grid: #222a35; --accent: #6ea2ff;
    --D: #f0564a; --S: #5c95f2; --K: #f59a23; --R: #a58bff; --cycle: #ff7a6e; --cycle-bg: #3a1714;
    --wake: #8c97a8; --tw: #cf7dff; --bio: #ffa94d; --lock-l: 42%; --lock-s: 45%; --lock-fg: #f4f6fa;
    --changed: #4a3f12; --never: #f0564a55;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 14px 20px 40px; }
code, .mono, svg text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 8px; }
.muted { color: var(--muted); }
button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--border);
  border-radius: 6px; padding: 3px 10px; cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible, input:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
header { display: grid; grid-template-columns: 1fr auto; gap: 4px 16px; align-items: center; margin-bottom: 12px; }
.titles { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.badge { font-size: 12px; font-weight: 600; padding: 2px 8px; border-radius: 10px; color: #fff; background: var(--muted); }
.badge.bad { background: var(--D); }
.verdict-line { margin: 0; grid-column: 1 / -1; }
.token { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.token code { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 2px 8px; user-select: all; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; margin-bottom: 12px; }
.why { border-left: 5px solid var(--cycle); background: var(--cycle-bg); }
.why ol { margin: 0; padding-left: 20px; }
.why li.cycle { font-weight: 650; color: var(--cycle); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.legend i { display: inline-block; width: 18px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
.legend i.line { height: 0; border-top: 2px solid; border-radius: 0; vertical-align: 3px; }
.scroll { overflow-x: auto; border: 1px solid var(--border); border-radius: 6px; background: var(--lane-a); }
#lanes { display: block; }
#lanes .lane-bg { fill: var(--lane-a); }
#lanes .lane:nth-of-type(even) .lane-bg { fill: var(--lane-b); }
#lanes .lane-cycle .lane-bg { fill: var(--cycle-bg); }
#lanes .lane-label { font-size: 12.5px; font-weight: 650; fill: var(--fg); font-family: system-ui, sans-serif; }
#lanes .lane-kind { font-size: 11px; fill: var(--muted); font-family: system-ui, sans-serif; }
#lanes .sys { font-size: 9.5px; fill: var(--accent); font-weight: 600; }
#lanes .grid { stroke: var(--grid); stroke-width: 1; }
#lanes .stepno { font-size: 10px; fill: var(--muted); text-anchor: middle; cursor: pointer; }
#lanes .stepno .who { font-size: 8px; }
#lanes .stepno.current { fill: var(--accent); font-weight: 700; }
#lanes .act { stroke: var(--muted); stroke-width: 2; }
#lanes .act-idle { stroke-dasharray: 2 4; stroke-width: 1.5; opacity: .7; }
#lanes .hold rect { fill: hsl(var(--h) var(--lock-s) var(--lock-l)); }
#lanes .hold rect.read { fill-opacity: .55; }
#lanes .hold text { font-size: 8.5px; fill: var(--lock-fg); pointer-events: none; }
#lanes .blk rect { fill-opacity: .9; }
#lanes .blk-D rect { fill: var(--D); } #lanes .blk-S rect { fill: var(--S); }
#lanes .blk-K rect { fill: var(--K); } #lanes .blk-R rect { fill: var(--R); }
#lanes .blk text { font-size: 10.5px; fill: #fff; font-weight: 600; pointer-events: none; }
#lanes .blk.cycle rect { stroke: var(--cycle); stroke-width: 3; stroke-dasharray: 6 3; fill-opacity: 1; }
#lanes .dot { fill: var(--panel); stroke: var(--fg); stroke-width: 1.6; cursor: pointer; }
#lanes .dot:hover { stroke: var(--accent); stroke-width: 2.5; }
#lanes .dot.current { fill: var(--accent); stroke: var(--accent); }
#lanes .arrow path { fill: none; stroke-width: 1.6; }
#lanes .arrow text { font-size: 10px; font-family: system-ui, sans-serif; }
#lanes .arr-wake path { stroke: var(--wake); stroke-dasharray: 3 3; }
#lanes .arr-tw path { stroke: var(--tw); stroke-width: 2; } #lanes .arr-tw text { fill: var(--tw); font-weight: 600; }
#lanes .arr-tw.ring text { text-anchor: end; }
#lanes .arr-bio path { stroke: var(--bio); stroke-dasharray: 7 4; stroke-width: 2; } #lanes .arr-bio text { fill: var(--bio); font-weight: 600; }
#lanes .arr-cycle path { stroke: var(--cycle); stroke-width: 2.5; } #lanes .arr-cycle text { fill: var(--cycle); font-weight: 700; font-size: 11px; }
#lanes .mk-wake path { fill: var(--wake); } #lanes .mk-tw path { fill: var(--tw); }
#lanes .mk-bio path { fill: var(--bio); } #lanes .mk-cyc path { fill: var(--cycle); }
#lanes #cursor { stroke: var(--accent); stroke-width: 2; opacity: .75; pointer-events: none; }
.slider { display: flex; gap: 10px; align-items: center; margin-top: 8px; }
.slider input { flex: 1; accent-color: var(--accent); }
#step-label { min-width: 7em; font-variant-numeric: tabular-nums; }
#now { margin: 8px 0 0; }
#now .frames { color: var(--muted); font-size: 12px; }
#world { margin-bottom: 12px; }
.state { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 10px; }
.state .card { margin: 0; }
.state h3 { font-size: 13px; margin: 0 0 6px; display: flex; gap: 8px; align-items: center; }
.state dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; font-size: 12.5px; }
.state dt { color: var(--muted); }
.state dd { margin: 0; overflow-wrap: anywhere; }
.state ul { margin: 0; padding-left: 16px; }
.state .changed { background: var(--changed); border-radius: 3px; }
.state .shared { grid-column: 1 / -1; }
.state .shared dl { grid-template-columns: repeat(2, auto 1fr); margin-top: 6px; }
.state .counter { display: flex; gap: 12px; align-items: baseline; padding: 2px 6px; }
.state .counter .name { color: var(--muted); white-space: nowrap; }
.state .counter .owed { font-size: 12.5px; }
.state .in-cycle { border: 2px solid var(--cycle); }
.state .big { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.st { font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 9px; color: #fff; background: var(--muted); }
.st-D { background: var(--D); } .st-S { background: var(--S); } .st-K { background: var(--K); } .st-R { background: var(--R); }
.st-runnable { background: #2f9e55; } .st-idle, .st-exited { background: var(--muted); }
.graph-wrap { overflow-x: auto; }
#lockdep-graph .cls rect { fill: var(--panel); stroke: var(--fg); stroke-width: 1.4; }
#lockdep-graph .cls text { font-size: 12px; fill: var(--fg); text-anchor: middle; }
#lockdep-graph .cls.cycle rect { stroke: var(--cycle); stroke-width: 3; fill: var(--cycle-bg); }
#lockdep-graph .dep path { fill: none; stroke: var(--muted); stroke-width: 1.6; }
#lockdep-graph .dep.cycle path { stroke: var(--cycle); stroke-width: 2.5; }
#lockdep-graph .dep text { font-size: 10px; fill: var(--muted); text-anchor: middle; }
#lockdep-graph marker path { fill: var(--muted); }
table.steps { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.steps td, table.steps th { padding: 2px 8px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
table.steps tr { cursor: pointer; }
table.steps tr.current td { background: var(--changed); }
table.steps .note { color: var(--muted); }
pre.report { overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 16px; }
`;
