// The --html page in a real browser (headless Chromium, every host name unresolvable and a dead
// proxy, so nothing can load from a network): the grid, and a run's detail with its timeline
// drawn by the page's own script. CI installs chromium (.ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const chromium = ['chromium', 'chromium-browser'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'html-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The DOM after the page's script ran, for @url. */
const render = (url: string): string => {
  const r = spawnSync(chromium!, ['--headless=new', '--no-sandbox', '--disable-gpu', '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND', '--dump-dom', url], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

describe.skipIf(!chromium)('the --html page in Chromium, offline', () => {
  it('shows one coloured cell per run and, for the run in the URL, its logs and a drawn timeline with the panic', () => {
    const page = join(dir, 'report.html');
    const files = ['S01-idle', 'S04-sdhci-host-lock-held'].map((f) => `${ROOT}scenarios/${f}.json`);
    const r = spawnSync(`${ROOT}tools/run-scenario`, [...files, '--host', 'sdhci', '--variant', 'v5', '--html', page], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);

    const dom = render(`file://${page}#run-1`);
    expect(dom.match(/class="cell o-[A-Z_]+[^"]*"/g)).toEqual(['class="cell o-RECOVERED"', 'class="cell o-DEADLOCK selected"']);
    expect(dom).toMatch(/<h2>S04-sdhci-host-lock-held on sdhci with v5, seed 1/);
    expect(dom).toContain('Kernel panic - not syncing: S04: Kernel panic - not syncing');
    expect(dom).toContain('BUG: spinlock lockup suspected on CPU#1');
    const timeline = /<svg class="tl"[\s\S]*?<\/svg>/.exec(dom)![0];
    expect(timeline.match(/<rect/g)!.length).toBeGreaterThan(20);
    expect(timeline).toContain('class="panic"');
    expect(timeline).toMatch(/CPU0[\s\S]*CPU1/);
  }, 120_000);
});
