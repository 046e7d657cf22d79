import { describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.js';
import { resolveTarget } from '../../src/api/target.js';
import { esc, inlineJson } from '../../src/report/html/escape.js';
import { lockdepSvg } from '../../src/report/html/graph.js';
import { shortLock } from '../../src/report/html/lanes.js';
import { renderHtml } from '../../src/report/html/page.js';
import { traceDocument } from '../../src/report/trace/build.js';
import type { TraceDocument } from '../../src/report/trace/types.js';

// The page as text: what it contains, that it escapes what it inlines, and that it is the same
// bytes every time. What it looks like is tested in a browser (test/browser/).

function seed(): TraceDocument {
  const r = check(resolveTarget('falloc-dio', 'v6.6-rc7'));
  return traceDocument(r.target, r.token!, r.execution!);
}

describe('renderHtml', () => {
  const doc = seed();
  const page = renderHtml(doc);

  it('is the same bytes for the same trace', () => {
    expect(renderHtml(seed())).toBe(page);
  });

  it('has a lane per actor, the token, the explanation and the lockdep graph', () => {
    expect(page.match(/<g class="lane[ "]/g)).toHaveLength(doc.actors.length);
    expect(page).toContain(`<code id="token">${esc(doc.token)}</code>`);
    expect(page).toContain('<li class="cycle">So falloc-dio/502 waits for itself');
    expect(page).toContain('<svg id="lockdep-graph"');
    expect(page).toContain('class="blk blk-D cycle"');
  });

  it('inlines its data so that no string in it can end the script element', () => {
    const evil = { ...doc, token: '</script><script>alert(1)</script>' };
    const html = renderHtml(evil);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(JSON.parse(inlineJson({ s: '<!-- & \u2028' }))).toEqual({ s: '<!-- & \u2028' });
  });
});

describe('lockdepSvg', () => {
  it('lays out classes and edges with dagre and marks a cycle', () => {
    const svg = lockdepSvg({
      classes: ['A', 'B', 'C'],
      edges: [
        { from: 'A', to: 'B', kinds: 'EN' },
        { from: 'B', to: 'A', kinds: 'EN' },
        { from: 'B', to: 'C', kinds: 'SN' },
      ],
      cycle: ['A', 'B'],
    });
    expect(svg.match(/<g class="cls/g)).toHaveLength(3);
    expect(svg.match(/<g class="dep cycle"/g)).toHaveLength(2);
    expect(svg.match(/<g class="cls cycle"/g)).toHaveLength(2);
  });

  it('says so when there is no graph', () => {
    expect(lockdepSvg(null)).toContain('lockdep was off');
    expect(lockdepSvg({ classes: [], edges: [], cycle: [] })).toContain('no lock taken');
  });
});

describe('shortLock', () => {
  it('keeps the part of a class name a reader recognises', () => {
    expect(shortLock('&sb->s_type->i_mutex_key#17')).toBe('i_mutex_key#17');
    expect(shortLock('sb_writers#12')).toBe('sb_writers#12');
  });
});
