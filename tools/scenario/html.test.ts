// The --html page: every run in the grid and in the embedded report, nothing fetched from
// anywhere, nothing a log holds able to end its script, histograms for an exploration, and its
// script, run against a small stand-in for the DOM, opening each run with its logs and timeline.
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { explore_planned, run_planned } from './batch.ts';
import { format_html } from './html.ts';
import { load_scenarios } from './load.ts';
import { plan_runs } from './plan.ts';
import { make_report, type run_report } from './report.ts';

const catalogue = (...prefixes: string[]) => load_scenarios([]).filter((s) => prefixes.some((p) => s.scenario.name.startsWith(p)));

/** S05 and S10 panic, S17 oopses, S04 needs sdhci: skipped on mock. */
const matrix_report = async (): Promise<run_report> => {
  const { runs, skipped } = plan_runs(catalogue('S04', 'S05', 'S10', 'S17'), { hosts: ['mock'], variants: ['v4', 'v5', 'proposed'] });
  return make_report(await run_planned(runs, { seed: 1, trace: 'on' }), skipped);
};

const embedded = (html: string): unknown => JSON.parse(/<script type="application\/json" id="report">([\s\S]*?)<\/script>/.exec(html)![1]!);
const script_of = (html: string): string => /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;

/** As much of the DOM as the page's script uses, recording what it builds. */
class Node_ {
  children: Node_[] = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, Array<(ev: unknown) => void>>();
  className = '';
  value = '';
  open = false;
  innerHTML = '';
  style: Record<string, string> = {};
  clientWidth = 1200;
  classList = { add: () => {}, remove: () => {} };
  private text = '';
  constructor(readonly tag: string) {}
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(v: string) {
    this.text = v;
    this.children = [];
  }
  appendChild(c: Node_): Node_ {
    this.children.push(c);
    return c;
  }
  addEventListener(type: string, f: (ev: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), f]);
  }
  fire(type: string, ev: unknown = {}): void {
    for (const f of this.listeners.get(type) ?? []) f(ev);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  closest(): Node_ | null {
    return this.attributes.has('data-run') ? this : null;
  }
  scrollIntoView(): void {}
  getBoundingClientRect() {
    return { left: 0 };
  }
  all(): Node_[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}

/** Load the page's script in a fresh context; returns a click on run @i and the detail panel. */
const load_page = (html: string) => {
  const byId = new Map([['report', new Node_('script')], ['detail', new Node_('section')]]);
  byId.get('report')!.textContent = JSON.stringify(embedded(html));
  const document = Object.assign(new Node_('document'), {
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new Node_(tag),
    createTextNode: (text: string) => Object.assign(new Node_('#text'), { textContent: text }),
    querySelectorAll: () => [],
  });
  const window = new Node_('window');
  let hash = '';
  const location = {
    get hash() {
      return hash;
    },
    set hash(v: string) {
      hash = v;
      window.fire('hashchange');
    },
  };
  runInNewContext(script_of(html), { document, window, location });
  const click = (i: number) => {
    const target = new Node_('button');
    target.attributes.set('data-run', String(i));
    document.fire('click', { target });
  };
  return { click, detail: byId.get('detail')! };
};

describe('format_html', () => {
  let report: run_report;
  let html: string;
  beforeAll(async () => {
    report = await matrix_report();
    html = format_html(report, 'tools/run-scenario --matrix --html report.html');
  }, 60_000);

  it('shows every run in the grid, one cell per run with its outcome class, and embeds the report', () => {
    expect(report.runs.length).toBe(9);
    expect(report.runs.every((r) => r.trace?.length)).toBe(true);
    expect(html.match(/class="cell o-/g)).toHaveLength(report.runs.length);
    report.runs.forEach((r, i) => expect(html).toMatch(new RegExp(`<button class="cell o-${r.outcome}${r.failures.length ? ' fail' : ''}" data-run="${i}" title="`)));
    expect(html).toMatch(/<thead><tr><th>scenario<\/th><th>mock\/v4<\/th><th>mock\/v5<\/th><th>mock\/proposed<\/th><\/tr><\/thead>/);
    // S04 needs sdhci: its row says why nothing ran.
    expect(html).toMatch(/<tr><th>S04-sdhci-host-lock-held<\/th>(<td><span class="none" title="the scenario needs sdhci">·<\/span><\/td>){3}<\/tr>/);
    expect(html).toContain('<p>9 runs: 9 as expected, 0 not, 1 skipped (1 on mock: the scenario needs sdhci)</p>');
    expect(embedded(html)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('is self-contained: no reference to anything outside the page', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`);
    for (const external of [/https?:/i, /\/\/cdn/i, /<link/i, /\ssrc=/i, /\shref=/i, /url\(/i, /@import/i, /<(img|iframe|object|embed|audio|video)/i, /\bfetch\(/, /XMLHttpRequest/, /\bimport\(/]) {
      expect(html).not.toMatch(external);
    }
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('escapes what a log or the title holds: no log line can end the script or add markup', () => {
    const evil = '</script><script>alert(1)</script><!--<script>';
    const r = make_report([{ ...report.runs[0]!, dmesg: `[    1.0] ${evil}\n`, next_dmesg: evil }], []);
    const page = format_html(r, '<b>title</b>');
    expect(page).not.toContain('alert(1)</script>');
    expect(page).not.toContain('<!--');
    expect(page.match(/<\/script>/gi)).toHaveLength(2);
    expect(page).toContain('<title>&#60;b&#62;title&#60;/b&#62;</title>');
    expect(page).toContain('<\\/script><script>alert(1)<\\/script>');
    expect(embedded(page)).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it("has a script that opens each run: verdict, logs, and a timeline of the crashing boot around the panic", () => {
    const page = load_page(html);
    report.runs.forEach((r, i) => {
      page.click(i);
      const nodes = page.detail.all();
      expect(nodes.find((n) => n.tag === 'h2')!.textContent).toBe(`${r.scenario} on ${r.host} with ${r.variant}, seed 1`);
      expect(nodes.find((n) => n.className.startsWith('badge'))!.className).toBe(`badge o-${r.outcome}`);
      expect(nodes.filter((n) => n.tag === 'pre').map((n) => n.textContent)).toEqual([r.dmesg, r.next_dmesg]);
      expect(page.detail.textContent).toContain(`tools/run-scenario ${r.file} --host mock --variant ${r.variant} --seed 1`);
      const plot = nodes.find((n) => n.innerHTML.startsWith('<svg'))!;
      const svg = plot.innerHTML;
      expect(svg.match(/<rect /g)!.length).toBeGreaterThan(10);
      expect(svg.match(/<rect /g)!.length).toBe(svg.match(/<\/rect>/g)!.length);
      for (const lane of ['CPU0', 'CPU1', 'mmc0']) expect(svg).toContain(`>${lane}</text>`);
      const panics = r.trace!.some((e) => e.cat === 'panic');
      expect(svg.includes('class="panic"')).toBe(panics); // S17 oopses: no panic
      // The window: 10 ms either side of the panic, within the trace (without a panic, all of it).
      const shown = () => /^([\d.]+) – ([\d.]+) ms/.exec(nodes.find((n) => n.className === 'mono')!.textContent)!.slice(1).map(Number);
      const ts = r.trace!.filter((e) => e.ph !== 'M');
      const [start, end] = [Math.min(...ts.map((e) => e.ts!)) / 1000, Math.max(...ts.map((e) => e.ts! + (e.dur ?? 0))) / 1000];
      const at = panics ? r.trace!.find((e) => e.cat === 'panic')!.ts! / 1000 : NaN;
      expect(shown()).toEqual((panics ? [Math.max(start, at - 10), Math.min(end, at + 10)] : [start, end]).map((v) => Number(v.toFixed(3))));
      const select = nodes.find((n) => n.tag === 'select')!;
      select.value = 'all';
      select.fire('change');
      expect(shown()).toEqual([start, end].map((v) => Number(v.toFixed(3))));
      // A drag over the right half of the plot (1200 px, lanes' names in the first 170) zooms there.
      const wrap = nodes.find((n) => n.className === 'tl-wrap')!;
      wrap.fire('mousedown', { clientX: 685, preventDefault: () => {} });
      wrap.fire('mousemove', { clientX: 1200 });
      wrap.fire('mouseup', { clientX: 1200 });
      const [from, to] = shown();
      expect(from).toBeCloseTo((start + end) / 2, 2);
      expect(to).toBeCloseTo(end, 2);
    });
  });

  it('says how to get a timeline when a run has none, and escapes trace text in the timeline', () => {
    const [traced, untraced] = report.runs;
    const odd = { ...traced!, trace: [...traced!.trace!, { name: '<b>odd</b>', cat: 'mmc', ph: 'X' as const, pid: 1, tid: 1000, ts: traced!.trace!.find((e) => e.cat === 'panic')!.ts!, dur: 5 }] };
    const page = load_page(format_html(make_report([odd, { ...untraced!, trace: undefined }], []), 't'));
    page.click(0);
    const svg = page.detail.all().find((n) => n.innerHTML.startsWith('<svg'))!.innerHTML;
    expect(svg).toContain('&#60;b&#62;odd&#60;/b&#62;');
    expect(svg).not.toContain('<b>');
    page.click(1);
    expect(page.detail.textContent).toContain('This run has no trace: run with --trace (or --html) to record a timeline.');
  });

  it('shows an exploration as a histogram per scenario, host and variant, with the first point of each class', async () => {
    const { runs } = plan_runs(catalogue('S05'), { hosts: ['mock'], variants: ['v5'] });
    const e = await explore_planned(runs, { seed: 1, trace: 'on' }, { sample: 8 });
    const r = make_report(e.runs, [], e.explored);
    const page = format_html(r, 'explore');
    expect(page).not.toContain('class="cell o-');
    expect(page).toContain(`<h3>S05-multiblock-write-data-phase on mock with v5, seed 1: ${e.explored[0]!.points} yield points, 8 runs</h3>`);
    expect(page.match(/class="pt o-/g)).toHaveLength(8);
    for (const cls of new Set(r.runs.map((x) => x.outcome))) {
      const first = r.runs.findIndex((x) => x.outcome === cls);
      expect(page).toContain(`<button class="bar o-${cls}" style="width:`);
      expect(page).toContain(`first at <button class="link" data-run="${first}">point ${r.runs[first]!.point}</button>`);
    }
    const p = load_page(page);
    p.click(3);
    expect(p.detail.all().find((n) => n.tag === 'h2')!.textContent).toContain(`, panic at yield point ${r.runs[3]!.point}`);
    expect(p.detail.textContent).toContain(`--replay ${r.runs[3]!.point}`);
  }, 60_000);
});
