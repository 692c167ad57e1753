// run-scenario --html from the command line: the page holds every run of the matrix, with the
// timelines --html records, while what is printed stays what it was; and --merge writes one too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { report_run, run_report } from './report.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(`${ROOT}tools/run-scenario`, args, { encoding: 'utf8', cwd: '/', maxBuffer: 1 << 28 });

const embedded = (file: string): run_report =>
  JSON.parse(/<script type="application\/json" id="report">([\s\S]*?)<\/script>/.exec(readFileSync(file, 'utf8'))![1]!) as run_report;
const untraced = (runs: readonly report_run[]) => runs.map(({ trace: _, ...r }) => r);

describe('tools/run-scenario --html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a page holding every run of the matrix, each with its timeline, and prints what it printed before', () => {
    const page = join(dir, 'matrix.html');
    const json = run('--matrix', '--json');
    const html = run('--matrix', '--json', '--html', page);
    expect(html.stderr).toBe('');
    expect(json.status).toBe(0);
    expect(html.status).toBe(0);
    expect(html.stdout).toBe(json.stdout);
    const want = JSON.parse(json.stdout) as run_report;
    const got = embedded(page);
    expect(got.runs).toHaveLength(want.runs.length);
    expect(untraced(got.runs)).toEqual(want.runs);
    expect(got.skipped).toEqual(want.skipped);
    expect(got.runs.every((r) => r.trace?.length)).toBe(true);
    expect(readFileSync(page, 'utf8').match(/class="cell o-/g)).toHaveLength(want.runs.length);

    // The same runs merged from that JSON: the page, without timelines (the JSON has none).
    writeFileSync(join(dir, 'all.json'), json.stdout);
    const merged = join(dir, 'merged.html');
    expect(run('--merge', join(dir, 'all.json'), '--html', merged).status).toBe(0);
    expect(embedded(merged)).toEqual(want);
  }, 120_000);
});
