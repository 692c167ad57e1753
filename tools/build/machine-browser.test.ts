// The machine bundle in a real browser (Debian's Chromium through playwright-core, offline): a
// page imports the ESM bundle, boots the default board, panics, reboots and shows the dmesg
// record pstore brought back. Its screenshot is kept in test-artifacts/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launch_chromium, offline_page, ORIGIN, save_screenshot } from '../testing/chromium.ts';
import { build_bundle } from './bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'machine-browser-'));
let browser: Browser;
beforeAll(async () => {
  if (CHROMIUM) browser = await launch_chromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The page: a crash and a reboot, the record shown. */
const PAGE = `<!doctype html>
<meta charset="utf-8"><title>mmcpstore-ts in the browser</title>
<style>body { font: 13px monospace; margin: 1em } #state { font-weight: bold }</style>
<p id="state">booting</p><pre id="record"></pre>
<script type="module">
import { createMachine } from './machine.js';
const state = document.getElementById('state');
const m = await createMachine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64' });
await m.mount_pstore();
await m.printk('hello from ' + navigator.userAgent.split(' ').find((w) => w.startsWith('HeadlessChrome')));
await m.panic('a crash in the browser');
const next = await m.reboot();
await next.mount_pstore();
const f = next.pstore_files().find((f) => f.name.startsWith('dmesg-'));
document.getElementById('record').textContent = new TextDecoder().decode(f.data);
state.textContent = 'recovered ' + f.name + ' after ' + (next.now / 1e9).toFixed(3) + ' s of virtual time';
</script>`;

describe.skipIf(!CHROMIUM)('the machine bundle in Chromium', () => {
  it('boots, panics, reboots and shows the recovered dmesg record; the page is screenshotted', async () => {
    const bundle = join(dir, 'machine.js');
    await build_bundle('machine', bundle);
    const { page, errors } = await offline_page(browser, {
      'index.html': PAGE,
      'machine.js': readFileSync(bundle, 'utf8'),
      'machine.js.map': readFileSync(`${bundle}.map`, 'utf8'),
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.locator('#state', { hasText: /^recovered/ }).waitFor({ timeout: 120_000 });
    expect(errors).toEqual([]);
    expect(await page.textContent('#state')).toMatch(/^recovered dmesg-pstore_blk-\d+ after [\d.]+ s of virtual time$/);
    const record = await page.textContent('#record');
    expect(record).toMatch(/hello from HeadlessChrome\/\d+/);
    expect(record).toContain('Kernel panic - not syncing: a crash in the browser');
    expect(await save_screenshot(page, 'machine-page.png')).toBeGreaterThan(5000);
  }, 180_000);
});
