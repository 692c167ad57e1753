// The --html page in a real browser (Debian's Chromium through playwright-core, offline): the
// grid holds one cell per run of the report, and clicking a cell opens that run's detail with its
// logs and a timeline drawn by the page's own script. Its screenshot is kept in test-artifacts/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launch_chromium, offline_page, ORIGIN, save_screenshot } from '../testing/chromium.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'html-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!CHROMIUM)('the --html page in Chromium, offline', () => {
  it('has a cell for every run; a clicked cell shows the run, its logs and a drawn timeline with the panic', async () => {
    const html = join(dir, 'report.html');
    const r = spawnSync(`${ROOT}tools/run-scenario`, ['--host', 'sdhci', '--json', '--html', html], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    const runs: { scenario: string; outcome: string }[] = JSON.parse(r.stdout).runs;
    expect(runs.length).toBeGreaterThan(20);

    const browser = await launch_chromium();
    try {
      const { page, errors } = await offline_page(browser, { 'report.html': readFileSync(html, 'utf8') }, { width: 1200, height: 900 });
      await page.goto(`${ORIGIN}/report.html`);
      const cells = page.locator('button.cell[data-run]');
      expect(await cells.count()).toBe(runs.length);
      const classes = await cells.evaluateAll((bs) => bs.map((b) => b.className.split(' ')[1]));
      expect(classes).toEqual(runs.map((run) => `o-${run.outcome}`));

      const s04 = runs.findIndex((run) => run.scenario === 'S04-sdhci-host-lock-held');
      await page.locator(`button.cell[data-run="${s04}"]`).click();
      const detail = page.locator('#detail');
      await expect.poll(() => detail.locator('h2').textContent()).toMatch(/^S04-sdhci-host-lock-held on sdhci with v5, seed 1/);
      expect(await page.locator(`button.cell[data-run="${s04}"]`).getAttribute('class')).toContain('selected');
      expect(page.url()).toBe(`${ORIGIN}/report.html#run-${s04}`);
      expect(await detail.textContent()).toContain('BUG: spinlock lockup suspected on CPU#1');
      const timeline = detail.locator('svg.tl');
      expect(await timeline.locator('rect').count()).toBeGreaterThan(20);
      expect(await timeline.locator('.panic').count()).toBeGreaterThan(0);
      expect(await timeline.textContent()).toMatch(/CPU0[\s\S]*CPU1/);
      expect(errors).toEqual([]);
      expect(await save_screenshot(page, 'html-report.png', true)).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
