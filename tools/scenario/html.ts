// SPDX-License-Identifier: GPL-2.0
// A report as one self-contained HTML page (--html): the matrix as a coloured grid, an
// exploration as histograms, and for any run clicked its outcome, logs and timeline.
import { SCRIPT } from './html_script.ts';
import { OUTCOME_STYLE, STYLE } from './html_style.ts';
import { summary, type report_run, type run_report } from './report.ts';

const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report as JSON that no text in it (a log line, say) can end the script element with. */
const embedded_json = (r: run_report): string => JSON.stringify(r).replace(/<\//g, '<\\/').replace(/<!--/g, '\\u003c!--');

/** A run with its place in report.runs, which is what the page's data-run attributes name. */
interface placed {
  readonly run: report_run;
  readonly i: number;
}

const legend = (): string =>
  `<ul class="legend">${Object.entries(OUTCOME_STYLE)
    .map(([k, s]) => `<li><span class="swatch o-${k}">${s.short}</span> ${k}</li>`)
    .join('')}<li><span class="swatch cell fail">*</span> not what the scenario expects</li><li><span class="swatch">·</span> not run</li></ul>`;

const run_tip = (r: report_run): string =>
  [`${r.outcome}: ${r.why}`, `expected ${r.expected ?? 'nothing stated'}`, ...r.failures.map((f) => `FAIL ${f}`)].join('\n');

const cell = ({ run, i }: placed): string =>
  `<button class="cell o-${run.outcome}${run.failures.length ? ' fail' : ''}" data-run="${i}" title="${esc(run_tip(run))}">${OUTCOME_STYLE[run.outcome].short}${run.failures.length ? '*' : ''}</button>`;

/** Rows of scenarios, columns of host/variant; a cell per run, · where none ran (and why). */
const grid = (r: run_report, runs: readonly placed[]): string => {
  const col = (x: { host: string; variant: string }) => `${x.host}/${x.variant}`;
  const cols = [...new Set(runs.map(({ run }) => col(run)))];
  const names = [...new Set([...runs.map(({ run }) => run.scenario), ...r.skipped.map((s) => s.scenario)])];
  const rows = names.map((name) => {
    const mine = runs.filter(({ run }) => run.scenario === name);
    const file = mine[0]?.run.file;
    const cells = cols.map((c) => {
      const here = mine.filter(({ run }) => col(run) === c);
      if (here.length) return `<td>${here.map(cell).join(' ')}</td>`;
      const why = r.skipped.filter((s) => s.scenario === name && c.startsWith(`${s.host}/`)).map((s) => s.why);
      return `<td><span class="none" title="${esc(why.join('; ') || 'not run')}">·</span></td>`;
    });
    return `<tr><th${file ? ` title="${esc(file)}"` : ''}>${esc(name)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid"><thead><tr><th>scenario</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

/** Per scenario, host, variant and seed: the outcome classes as bars, then every point in order. */
const histograms = (r: run_report, runs: readonly placed[]): string => {
  const groups = new Map<string, placed[]>();
  for (const p of runs) {
    const key = `${p.run.scenario} on ${p.run.host} with ${p.run.variant}, seed ${p.run.seed}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups].map(([key, ps]) => {
    const first = ps[0]!.run;
    const points = r.explored?.find((e) => e.scenario === first.scenario && e.host === first.host && e.variant === first.variant && e.seed === first.seed)?.points;
    const classes = new Map<string, placed[]>();
    for (const p of ps) classes.set(p.run.outcome, [...(classes.get(p.run.outcome) ?? []), p]);
    const bars = [...classes].sort((a, b) => b[1].length - a[1].length).map(([cls, of]) => {
      const earliest = of.reduce((a, b) => (a.run.point! <= b.run.point! ? a : b));
      const width = ((of.length / ps.length) * 100).toFixed(1);
      return (
        `<tr><th><span class="swatch o-${cls}">${esc(cls)}</span></th><td class="n">${of.length}</td>` +
        `<td class="barcell"><button class="bar o-${cls}" style="width:${width}%" data-run="${earliest.i}" title="${esc(`${of.length} of ${ps.length} points: ${cls}; the first is point ${earliest.run.point}`)}"></button></td>` +
        `<td>first at <button class="link" data-run="${earliest.i}">point ${earliest.run.point}</button></td></tr>`
      );
    });
    const strip = [...ps].sort((a, b) => a.run.point! - b.run.point!).map(
      ({ run, i }) => `<span class="pt o-${run.outcome}${run.failures.length ? ' fail' : ''}" data-run="${i}" title="${esc(`point ${run.point}: ${run.outcome}`)}"></span>`,
    );
    return (
      `<section class="explore"><h3>${esc(key)}: ${points === undefined ? '' : `${points} yield points, `}${ps.length} runs</h3>` +
      `<table class="hist">${bars.join('')}</table><div class="points" title="every point, in order">${strip.join('')}</div></section>`
    );
  }).join('');
};

const skipped_list = (r: run_report): string =>
  r.skipped.length
    ? `<details><summary>${r.skipped.length} skipped</summary><ul>${r.skipped.map((s) => `<li>${esc(s.scenario)} on ${esc(s.host)}: ${esc(s.why)}</li>`).join('')}</ul></details>`
    : '';

/** The whole page: nothing in it is fetched (the policy forbids it), so it works from file://. */
export const format_html = (report: run_report, title: string): string => {
  const placed = report.runs.map((run, i) => ({ run, i }));
  const explored = placed.filter(({ run }) => run.point !== undefined);
  const plain = placed.filter(({ run }) => run.point === undefined);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p>${esc(summary(report).trim())}</p>
${legend()}
</header>
<main>
${plain.length || !explored.length ? grid(report, plain) : ''}
${histograms(report, explored)}
${skipped_list(report)}
</main>
<section id="detail"><p class="hint">Click a run for its outcome, its logs and the timeline of its crashing boot.</p></section>
<script type="application/json" id="report">${embedded_json(report)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
};
