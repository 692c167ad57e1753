// SPDX-License-Identifier: GPL-2.0
// The script of the --html page: it reads the report embedded in the page and, when a run is
// clicked, fills the detail panel with its outcome, its logs and a timeline drawn from its trace.
// Plain browser JavaScript in a string (no backquote, no dollar-brace): the page inlines it.
export const SCRIPT = String.raw`
'use strict';
(() => {
  const report = JSON.parse(document.getElementById('report').textContent);
  const detail = document.getElementById('detail');
  const CATEGORY = { sched: '#4e79a7', irq: '#f28e2b', lock: '#b07aa1', mmc: '#59a14f', panic_write: '#e15759', mmio: '#9c755f', panic: '#d50000' };
  const SPANS = [['1', '\u00b11 ms around the panic'], ['10', '\u00b110 ms around the panic'], ['100', '\u00b1100 ms around the panic'], ['1000', '\u00b11 s around the panic'], ['all', 'the whole trace']];
  const DEFAULT_SPAN = '10';
  const LABEL = 170, ROW = 14, GAP = 6, AXIS = 24;

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const ms = (us, digits) => (us / 1000).toFixed(digits === undefined ? 3 : digits);
  const duration = (us) => (us < 1000 ? us.toFixed(2) + ' \u00b5s' : ms(us) + ' ms');

  /** The trace sorted into lanes (one per track, nested slices on rows below their parent). */
  const layout = (trace) => {
    const names = new Map();
    const events = new Map();
    let panic = null, start = Infinity, end = -Infinity;
    for (const e of trace) {
      if (e.ph === 'M') {
        if (e.name === 'thread_name') names.set(e.tid, e.args.name);
        continue;
      }
      start = Math.min(start, e.ts);
      end = Math.max(end, e.ts + (e.dur || 0));
      if (e.cat === 'panic') panic = panic || e;
      else if (events.has(e.tid)) events.get(e.tid).push(e);
      else events.set(e.tid, [e]);
    }
    const lanes = [...events.keys()].sort((a, b) => a - b).map((tid) => {
      const open = [];
      let rows = 1;
      const items = events.get(tid).sort((a, b) => a.ts - b.ts || (b.dur || 0) - (a.dur || 0)).map((e) => {
        if (e.ph !== 'X') return { e, row: 0 };
        while (open.length && open[open.length - 1] <= e.ts) open.pop();
        const row = open.length;
        open.push(e.ts + e.dur);
        rows = Math.max(rows, row + 1);
        return { e, row };
      });
      return { name: names.get(tid) || 'track ' + tid, items, rows };
    });
    if (end < start) start = end = 0;
    return { lanes, panic, start, end: Math.max(end, start + 1) };
  };

  /** The window shown for a span choice: N ms either side of the panic (or the trace's end). */
  const window_of = (t, span) => {
    if (span === 'all') return [t.start, t.end];
    const at = t.panic ? t.panic.ts : t.end;
    const half = Number(span) * 1000;
    return [Math.max(t.start, at - half), Math.min(t.end, at + half)];
  };

  const tip = (e) => [e.name, ms(e.ts) + ' ms' + (e.ph === 'X' ? ', for ' + duration(e.dur) : '')]
    .concat(Object.entries(e.args || {}).map(([k, v]) => k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v)))
    .join('\n');

  const nice_step = (x) => {
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    const m = x / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  };

  /** The timeline of window [a, b] (µs) as SVG markup, @width pixels wide. */
  const timeline_svg = (t, a, b, width) => {
    const W = Math.max(width, LABEL + 200);
    const x = (ts) => Math.round((LABEL + ((ts - a) / (b - a)) * (W - LABEL)) * 10) / 10;
    const out = [];
    const step = nice_step((b - a) / 8);
    const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / 1000))));
    for (let ts = Math.ceil(a / step) * step; ts <= b; ts += step) {
      out.push('<line class="tick" x1="' + x(ts) + '" x2="' + x(ts) + '" y1="' + (AXIS - 6) + '" y2="100%"/>');
      out.push('<text x="' + (x(ts) + 2) + '" y="' + (AXIS - 10) + '">' + ms(ts, digits) + ' ms</text>');
    }
    let y = AXIS;
    for (const lane of t.lanes) {
      const h = lane.rows * ROW;
      out.push('<text x="4" y="' + (y + ROW - 3) + '">' + esc(lane.name) + '</text>');
      for (const { e, row } of lane.items) {
        const to = e.ts + (e.dur || 0);
        if (to < a || e.ts > b) continue;
        const x0 = Math.max(LABEL, x(e.ts));
        const w = Math.max(1, Math.round((Math.min(W, x(to)) - x0) * 10) / 10);
        const top = e.ph === 'X' ? y + row * ROW : y;
        const high = e.ph === 'X' ? ROW - 2 : h - 2;
        out.push('<rect x="' + x0 + '" y="' + top + '" width="' + w + '" height="' + high + '" fill="' + (CATEGORY[e.cat] || '#888') + '"><title>' + esc(tip(e)) + '</title></rect>');
        const fit = Math.floor((w - 4) / 6.5);
        if (e.ph === 'X' && fit >= 4) out.push('<text class="in" x="' + (x0 + 2) + '" y="' + (top + ROW - 4) + '">' + esc(e.name.length > fit ? e.name.slice(0, fit - 1) + '\u2026' : e.name) + '</text>');
      }
      y += h + GAP;
      out.push('<line class="sep" x1="0" x2="' + W + '" y1="' + (y - GAP / 2) + '" y2="' + (y - GAP / 2) + '"/>');
    }
    const p = t.panic;
    if (p && p.ts >= a && p.ts <= b) {
      out.push('<line class="panic" x1="' + x(p.ts) + '" x2="' + x(p.ts) + '" y1="' + (AXIS - 6) + '" y2="' + y + '"><title>' + esc(tip(p)) + '</title></line>');
      out.push('<text class="panic-label" x="' + (x(p.ts) + 3) + '" y="' + (AXIS - 1) + '">panic<title>' + esc(tip(p)) + '</title></text>');
    }
    return '<svg class="tl" width="' + W + '" height="' + y + '">' + out.join('') + '</svg>';
  };

  let redraw = null;
  window.addEventListener('resize', () => redraw && redraw());

  /** The timeline's controls and plot in @box: a window around the panic, drag to zoom in. */
  const timeline = (trace, box) => {
    const t = layout(trace);
    const ctl = el('div', 'tl-ctl');
    const select = el('select');
    for (const [v, label] of SPANS) {
      const o = el('option', '', label);
      o.value = v;
      select.appendChild(o);
    }
    select.value = t.panic ? DEFAULT_SPAN : 'all';
    const shown = el('span', 'mono');
    ctl.appendChild(select);
    ctl.appendChild(shown);
    ctl.appendChild(el('span', 'hint', 'drag across the timeline to zoom in, double-click to zoom back'));
    for (const [cat, colour] of Object.entries(CATEGORY)) {
      const s = el('span', 'swatch', cat);
      s.style.background = colour;
      ctl.appendChild(s);
    }
    const wrap = el('div', 'tl-wrap');
    const plot = el('div');
    const brush = el('div', 'tl-brush');
    wrap.appendChild(plot);
    wrap.appendChild(brush);
    box.appendChild(ctl);
    box.appendChild(wrap);

    let a = 0, b = 1;
    const draw = () => {
      plot.innerHTML = timeline_svg(t, a, b, wrap.clientWidth || 1000);
      shown.textContent = ms(a) + ' \u2013 ' + ms(b) + ' ms' + (t.panic ? '' : ' (no panic in this trace: the windows are around its end)');
    };
    const choose = () => {
      [a, b] = window_of(t, select.value);
      draw();
    };
    select.addEventListener('change', choose);
    wrap.addEventListener('dblclick', choose);
    const time_at = (px) => a + ((px - LABEL) / (wrap.clientWidth - LABEL)) * (b - a);
    let from = null;
    const offset = (ev) => ev.clientX - wrap.getBoundingClientRect().left;
    wrap.addEventListener('mousedown', (ev) => {
      from = Math.max(LABEL, offset(ev));
      ev.preventDefault();
    });
    wrap.addEventListener('mousemove', (ev) => {
      if (from === null) return;
      const to = Math.max(LABEL, offset(ev));
      brush.style.display = 'block';
      brush.style.left = Math.min(from, to) + 'px';
      brush.style.width = Math.abs(to - from) + 'px';
    });
    wrap.addEventListener('mouseup', (ev) => {
      if (from === null) return;
      const to = Math.max(LABEL, offset(ev));
      brush.style.display = 'none';
      const [lo, hi] = [time_at(Math.min(from, to)), time_at(Math.max(from, to))];
      const dragged = Math.abs(to - from) >= 4;
      from = null;
      if (!dragged || hi - lo < 0.01) return;
      [a, b] = [lo, hi];
      draw();
    });
    wrap.addEventListener('mouseleave', () => {
      from = null;
      brush.style.display = 'none';
    });
    redraw = draw;
    choose();
  };

  const rerun_command = (r) => 'tools/run-scenario ' + r.file + ' --host ' + r.host + ' --variant ' + r.variant_arg + ' --seed ' + r.seed + (r.point ? ' --replay ' + r.point : '');

  const fact = (dl, term, value) => {
    dl.appendChild(el('dt', '', term));
    const dd = el('dd');
    if (typeof value === 'string') dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  };

  const log = (title, text) => {
    const d = el('details');
    d.open = true;
    d.appendChild(el('summary', '', title + ' (' + (text ? text.split('\n').length : 0) + ' lines)'));
    d.appendChild(el('pre', '', text || '(empty)'));
    return d;
  };

  let selected = [];
  /** Fill the detail panel with run @i of the report. */
  const show = (i) => {
    const r = report.runs[i];
    if (!r) return;
    for (const e of selected) e.classList.remove('selected');
    selected = [...document.querySelectorAll('[data-run="' + i + '"]')];
    for (const e of selected) e.classList.add('selected');
    redraw = null;
    detail.textContent = '';
    detail.appendChild(el('h2', '', r.scenario + ' on ' + r.host + ' with ' + r.variant + ', seed ' + r.seed + (r.point ? ', panic at yield point ' + r.point : '')));
    const verdict = el('p');
    verdict.appendChild(el('span', 'badge o-' + r.outcome, r.outcome));
    verdict.appendChild(document.createTextNode(' ' + r.why));
    detail.appendChild(verdict);
    const dl = el('dl', 'facts');
    fact(dl, 'expected', r.expected || 'nothing stated for this variant and host');
    if (r.failures.length) {
      const ul = el('ul', 'failures');
      for (const f of r.failures) ul.appendChild(el('li', '', f));
      fact(dl, 'not as expected', ul);
    } else fact(dl, 'result', 'as expected');
    fact(dl, 'panic_write', r.panic_write_ms === null ? 'never called' : r.panic_write_ms.toFixed(3) + ' ms of simulated time');
    fact(dl, 'scenario file', r.file);
    fact(dl, 'run it again', el('code', '', rerun_command(r)));
    detail.appendChild(dl);
    detail.appendChild(el('h3', '', 'Timeline of the crashing boot'));
    if (r.trace && r.trace.length) timeline(r.trace, detail);
    else detail.appendChild(el('p', 'hint', 'This run has no trace: run with --trace (or --html) to record a timeline.'));
    detail.appendChild(el('h3', '', 'Logs'));
    detail.appendChild(log("The crashing boot's dmesg", r.dmesg));
    detail.appendChild(log("The next boot's dmesg", r.next_dmesg));
    detail.scrollIntoView();
  };

  const from_hash = () => {
    const m = /^#run-(\d+)$/.exec(location.hash);
    if (m) show(Number(m[1]));
  };
  const pick = (target) => {
    const t = target && target.closest && target.closest('[data-run]');
    if (!t) return;
    const hash = '#run-' + t.getAttribute('data-run');
    if (location.hash === hash) from_hash();
    else location.hash = hash;
  };
  document.addEventListener('click', (ev) => pick(ev.target));
  window.addEventListener('hashchange', from_hash);
  from_hash();
})();
`;
