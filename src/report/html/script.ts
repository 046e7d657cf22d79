// The page script, inlined as text: the step slider (cursor and the world at that step), the copy
// button and the theme toggle. Plain ES2020 for any current browser; it builds DOM nodes with
// textContent only, so trace text can never become markup.

/** The viewer's script. */
export const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('trace-data').textContent);
  var root = document.documentElement;
  var slider = document.getElementById('step');
  var svg = document.getElementById('lanes');
  var x0 = Number(svg.dataset.x0), col = Number(svg.dataset.col);
  var cursor = document.getElementById('cursor');
  var out = document.getElementById('state');
  var now = document.getElementById('now');
  var cycle = [].concat.apply([], data.verdict.cycles);
  var label = function (id) { var a = data.actors[id]; return a ? a.label : 'actor ' + id; };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function list(items, empty) {
    if (!items.length) return el('span', 'muted', empty || 'none');
    var ul = el('ul');
    items.forEach(function (t) { ul.appendChild(el('li', '', t)); });
    return ul;
  }
  function row(dl, name, value, changed) {
    dl.appendChild(el('dt', '', name));
    var dd = el('dd', changed ? 'changed' : '');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    dl.appendChild(dd);
  }
  function card(title, badge, badgeCls) {
    var c = el('section', 'card');
    var h = el('h3', '', title);
    if (badge) h.appendChild(el('span', 'st ' + badgeCls, badge));
    c.appendChild(h);
    return c;
  }

  function actorCard(id, a, p) {
    var st = a.status === 'blocked' && a.wait ? a.wait.state : a.status;
    var c = card(label(id), a.status === 'blocked' && a.wait ? st + ' (blocked)' : st, 'st-' + st);
    c.dataset.actor = id;
    if (cycle.indexOf(id) >= 0 && a.status === 'blocked') c.classList.add('in-cycle');
    var dl = el('dl');
    p = p || {};
    row(dl, 'in', a.in || (data.actors[id].kind === 'task' ? 'user space' : 'entry'), a.in !== p.in);
    if (a.wait) row(dl, 'waits', a.wait.state + ' on ' + a.wait.object + ' until ' + a.wait.until, !same(a.wait, p.wait));
    row(dl, 'locks', list(a.held.map(function (h) {
      return h.name + (h.read ? ' (shared)' : '') + ' at ' + h.site;
    })), !same(a.held, p.held));
    if (data.actors[id].kind === 'task') {
      row(dl, 'task_work', list(a.taskWork), !same(a.taskWork, p.taskWork));
      row(dl, 'io_uring', list(a.ioUringWork), !same(a.ioUringWork, p.ioUringWork));
      row(dl, 'flags', a.flags.length ? a.flags.join(' ') : 'none', !same(a.flags, p.flags));
    }
    c.appendChild(dl);
    return c;
  }

  function sharedCard(s, p) {
    var c = card('shared state');
    c.classList.add('shared');
    p = p || s;
    s.counters.forEach(function (k, i) {
      var old = p.counters[i];
      var changed = !old || old.value !== k.value || !same(old.owed, k.owed);
      var box = el('div', 'counter' + (changed ? ' changed' : ''));
      box.appendChild(el('span', 'name', k.name));
      var v = el('span', 'big', k.value);
      v.dataset.counter = k.name;
      box.appendChild(v);
      var owed = el('span', 'owed');
      owed.textContent = k.owed.length ? 'owed by ' + k.owed.join('; ') : 'nothing owed';
      box.appendChild(owed);
      c.appendChild(box);
    });
    var dl = el('dl');
    var queues = function (name, qs, ps) {
      qs.forEach(function (q, i) { row(dl, name + ' ' + q.name, list(q.items), !same(q.items, (ps[i] || {}).items)); });
    };
    queues('bios on', s.bios, p.bios);
    queues('work on', s.work, p.work);
    queues('CQEs:', s.cqes, p.cqes);
    c.appendChild(dl);
    return c;
  }

  function show(k) {
    k = Math.max(0, Math.min(data.steps.length, Number(k)));
    slider.value = String(k);
    var x = String(x0 + k * col);
    cursor.setAttribute('x1', x);
    cursor.setAttribute('x2', x);
    document.querySelectorAll('.current').forEach(function (e) { e.classList.remove('current'); });
    document.querySelectorAll('[data-step="' + k + '"]').forEach(function (e) { e.classList.add('current'); });
    document.getElementById('step-label').textContent = 'step ' + k + ' of ' + data.steps.length;
    now.textContent = '';
    var st = data.steps[k - 1];
    if (st) {
      now.appendChild(el('strong', '', 'step ' + k + ': ' + label(st.actor) + ' '));
      now.appendChild(el('code', '', st.label));
      if (st.note) now.appendChild(el('span', '', ' \\u2192 ' + st.note));
      now.appendChild(el('div', 'frames', st.frames.length ? st.frames.slice().reverse().join(' \\u2190 ') : '(no kernel frame)'));
    } else {
      now.appendChild(el('strong', '', 'before the first step'));
    }
    var s = data.states[k], p = data.states[k - 1];
    out.textContent = '';
    out.appendChild(sharedCard(s, p));
    s.actors.forEach(function (a, id) { out.appendChild(actorCard(id, a, p && p.actors[id])); });
  }

  slider.addEventListener('input', function () { show(slider.value); });
  document.getElementById('prev').addEventListener('click', function () { show(Number(slider.value) - 1); });
  document.getElementById('next').addEventListener('click', function () { show(Number(slider.value) + 1); });
  document.querySelectorAll('[data-step]').forEach(function (e) {
    if (e.tagName !== 'INPUT') e.addEventListener('click', function () { show(e.getAttribute('data-step')); });
  });

  var themeBtn = document.getElementById('theme');
  var dark = function () {
    var t = root.getAttribute('data-theme');
    return t ? t === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  };
  var syncTheme = function () {
    themeBtn.textContent = dark() ? 'Light theme' : 'Dark theme';
    themeBtn.setAttribute('aria-pressed', String(dark()));
  };
  try { var saved = localStorage.getItem('lockstep-theme'); if (saved) root.setAttribute('data-theme', saved); } catch (e) {}
  themeBtn.addEventListener('click', function () {
    root.setAttribute('data-theme', dark() ? 'light' : 'dark');
    try { localStorage.setItem('lockstep-theme', root.getAttribute('data-theme')); } catch (e) {}
    syncTheme();
  });
  syncTheme();

  var copyBtn = document.getElementById('copy');
  var tokenEl = document.getElementById('token');
  var copied = function (ok) {
    copyBtn.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    setTimeout(function () { copyBtn.textContent = 'Copy'; }, 1600);
  };
  var fallback = function () {
    var r = document.createRange();
    r.selectNodeContents(tokenEl);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) {}
    copied(ok);
  };
  copyBtn.addEventListener('click', function () {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(data.token).then(function () { copied(true); }, fallback);
    } else fallback();
  });

  show(data.steps.length);
})();
`;
