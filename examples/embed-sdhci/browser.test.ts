// The embedding example in a real browser (Debian's Chromium through playwright-core, offline):
// the page loads the ESM bundle of hw/ the way an embedder's page would, through an import map
// naming it 'mmcpstore-ts/hw', and the tiny emulator's guest drives the SDHCI model by raw MMIO
// from its CPU loop, reading a block by SDMA into the emulator's own RAM.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build_bundle } from '../../tools/build/bundle.ts';
import { CHROMIUM, launch_chromium, offline_page, ORIGIN } from '../../tools/testing/chromium.ts';

const HW_INDEX = fileURLToPath(new URL('../../hw/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'embed-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example as the embedder's own code: everything but hw/, which stays an import of 'mmcpstore-ts/hw'. */
const build_example = async (outfile: string) => {
  await build({
    entryPoints: [fileURLToPath(new URL('./run.ts', import.meta.url))],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [
      {
        name: 'hw-as-package',
        setup: (b) => b.onResolve({ filter: /\/hw\/index\.ts$/ }, (a) => (join(a.resolveDir, a.path) === HW_INDEX ? { path: 'mmcpstore-ts/hw', external: true } : undefined)),
      },
    ],
  });
};

const PAGE = `<!doctype html>
<meta charset="utf-8"><title>SDHCI in a foreign emulator</title>
<script type="importmap">{ "imports": { "mmcpstore-ts/hw": "./hw.js" } }</script>
<pre id="out">running</pre>
<script type="module">
import { run_example } from './example.js';
document.getElementById('out').textContent = JSON.stringify(run_example());
</script>`;

describe.skipIf(!CHROMIUM)('the hw bundle embedded in a page', () => {
  it('runs the tiny emulator whose guest reads a block through the SDHCI model', async () => {
    await build_bundle('hw', join(dir, 'hw.js'));
    await build_example(join(dir, 'example.js'));
    const example = readFileSync(join(dir, 'example.js'), 'utf8');
    expect(example).toContain('from "mmcpstore-ts/hw"');
    expect(example).not.toContain('class SdhciController');

    const browser = await launch_chromium();
    try {
      const { page, errors } = await offline_page(browser, { 'index.html': PAGE, 'hw.js': readFileSync(join(dir, 'hw.js'), 'utf8'), 'example.js': example });
      await page.goto(`${ORIGIN}/index.html`);
      await page.locator('#out', { hasText: /^\{/ }).waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);
      const r = JSON.parse((await page.textContent('#out'))!);
      expect(r.product).toBe('TINYEM');
      expect(r.block0).toBe('hello from block 0 of the eMMC');
      expect(r.block1).toMatch(/^written by the guest at \d+ ns$/);
      expect(r.block0_after_restore).toBe(r.block0);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
