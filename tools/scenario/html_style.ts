// SPDX-License-Identifier: GPL-2.0
// The look of the --html page: a colour and a short label per outcome class (greens to purples
// by how bad the loss is), and the page's stylesheet, inlined.
import { OUTCOME_SHORT, type outcome } from './schema.ts';

export interface outcome_style {
  readonly short: string;
  readonly bg: string;
  readonly fg: string;
}

/** In legend order: kept, declined, damaged, lost, hung or broken. */
const COLOURS: Readonly<Record<outcome | 'ERROR', Omit<outcome_style, 'short'>>> = {
  RECOVERED: { bg: '#2e7d32', fg: '#fff' },
  REFUSED: { bg: '#546e7a', fg: '#fff' },
  MISMATCH: { bg: '#f9a825', fg: '#000' },
  TORN: { bg: '#6d4c41', fg: '#fff' },
  LOST: { bg: '#ef6c00', fg: '#fff' },
  SILENT_LOSS: { bg: '#d84315', fg: '#fff' },
  TIMEOUT: { bg: '#c62828', fg: '#fff' },
  DEADLOCK: { bg: '#880e4f', fg: '#fff' },
  SLEEP_IN_ATOMIC: { bg: '#6a1b9a', fg: '#fff' },
  CORRUPTION: { bg: '#311b92', fg: '#fff' },
  ERROR: { bg: '#000', fg: '#fff' },
};

export const OUTCOME_STYLE = Object.fromEntries(
  Object.entries(COLOURS).map(([k, c]) => [k, { short: OUTCOME_SHORT[k as outcome | 'ERROR'], ...c }]),
) as Readonly<Record<outcome | 'ERROR', outcome_style>>;

const outcome_classes = Object.entries(OUTCOME_STYLE)
  .map(([k, s]) => `.o-${k} { background: ${s.bg}; color: ${s.fg}; }`)
  .join('\n');

export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5em 3em; color: #222; background: #fafafa; }
h1 { font-size: 1.4em; margin: 0.8em 0 0.2em; word-break: break-all; }
h2 { font-size: 1.2em; margin: 0.2em 0; }
h3 { font-size: 1em; margin: 1em 0 0.3em; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3em 1em; padding: 0; list-style: none; }
.swatch { display: inline-block; min-width: 4.5em; padding: 1px 4px; border-radius: 3px; text-align: center; font-size: 12px; }
table.grid { border-collapse: collapse; margin: 1em 0; }
.grid th, .grid td { padding: 2px 4px; border-bottom: 1px solid #e4e4e4; text-align: left; white-space: nowrap; }
.grid thead th { position: sticky; top: 0; background: #fafafa; }
.grid tbody th { font-weight: normal; }
button { font: inherit; cursor: pointer; }
.cell { min-width: 6em; padding: 2px 4px; border: 2px solid transparent; border-radius: 3px; font-size: 12px; }
.cell.fail { border: 2px dashed #000; outline: 2px solid #fff; outline-offset: -4px; font-weight: bold; }
.none { display: inline-block; min-width: 6em; text-align: center; color: #999; cursor: help; }
.selected { box-shadow: 0 0 0 3px #1e88e5; }
.explore { margin: 1em 0 1.5em; }
table.hist td, table.hist th { padding: 1px 6px; text-align: left; font-weight: normal; white-space: nowrap; }
table.hist td.n { text-align: right; }
table.hist td.barcell { width: 320px; }
.bar { display: block; height: 14px; min-width: 3px; border: 0; border-radius: 2px; }
.link { border: 0; background: none; color: #1565c0; text-decoration: underline; padding: 0; }
.points { display: flex; flex-wrap: wrap; gap: 1px; max-width: 60em; margin-top: 0.4em; }
.pt { width: 9px; height: 14px; cursor: pointer; }
.pt.fail { outline: 1px solid #000; }
#detail { border-top: 2px solid #ccc; margin-top: 1.5em; padding-top: 0.5em; }
.hint { color: #777; }
.badge { padding: 1px 6px; border-radius: 3px; font-weight: bold; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; }
.failures { color: #b71c1c; margin: 0; padding-left: 1.2em; }
pre { background: #fff; border: 1px solid #ddd; padding: 0.5em; max-height: 32em; overflow: auto; white-space: pre-wrap; }
.tl-ctl { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 1em; margin: 0.3em 0; }
.tl-ctl .swatch { min-width: 0; color: #fff; }
.tl-wrap { position: relative; user-select: none; background: #fff; border: 1px solid #ddd; overflow: hidden; }
.tl-brush { position: absolute; top: 0; bottom: 0; background: rgba(30, 136, 229, 0.2); pointer-events: none; display: none; }
svg.tl { display: block; font: 11px system-ui, sans-serif; }
svg.tl .tick { stroke: #e0e0e0; }
svg.tl .sep { stroke: #eee; }
svg.tl .in { fill: #fff; pointer-events: none; }
svg.tl .panic { stroke: #d50000; stroke-width: 2; }
svg.tl .panic-label { fill: #d50000; font-weight: bold; }
${outcome_classes}
`;
