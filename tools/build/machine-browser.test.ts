// The machine bundle in a real browser (headless Chromium, offline): a page boots the default
// board, panics, reboots and shows the dmesg record pstore brought back. Its screenshot is kept
// in test-artifacts/. CI installs chromium (.ci/run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build_bundle } from './bundle.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-artifacts');
const chromium = ['chromium', 'chromium-browser'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'machine-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chromium on @url with nothing reachable on a network; its stdout. */
const chrome = (url: string, ...flags: string[]): string => {
  const r = spawnSync(chromium!, ['--headless=new', '--no-sandbox', '--disable-gpu', '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND', '--virtual-time-budget=60000', ...flags, url], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

/** The page: the bundle as a classic script, then a crash and a reboot, the record shown. */
const page = (bundle: string): string => `<!doctype html>
<meta charset="utf-8"><title>mmcpstore-ts in the browser</title>
<style>body { font: 13px monospace; margin: 1em } #state { font-weight: bold }</style>
<p id="state">booting</p><pre id="record"></pre>
<script>${bundle}</script>
<script>
(async () => {
  const state = document.getElementById('state');
  try {
    const m = await mmcpstore.createMachine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64' });
    await m.mount_pstore();
    await m.printk('hello from ' + navigator.userAgent.split(' ').find((w) => w.startsWith('HeadlessChrome')));
    await m.panic('a crash in the browser');
    const next = await m.reboot();
    await next.mount_pstore();
    const f = next.pstore_files().find((f) => f.name.startsWith('dmesg-'));
    state.textContent = 'recovered ' + f.name + ' after ' + (next.now / 1e9).toFixed(3) + ' s of virtual time';
    document.getElementById('record').textContent = new TextDecoder().decode(f.data);
  } catch (e) {
    state.textContent = 'ERROR ' + e.stack;
  }
})();
</script>`;

describe.skipIf(!chromium)('the machine bundle in Chromium', () => {
  it('boots, panics, reboots and shows the recovered dmesg record; the page is screenshotted', async () => {
    const bundle = join(dir, 'machine.js');
    await build_bundle('machine', bundle, 'iife');
    const html = join(dir, 'machine.html');
    writeFileSync(html, page(readFileSync(bundle, 'utf8').replaceAll('</script', '<\\/script')));

    const dom = chrome(`file://${html}`, '--dump-dom');
    expect(dom).toMatch(/<p id="state">recovered dmesg-pstore_blk-\d+ after [\d.]+ s of virtual time<\/p>/);
    expect(dom).toMatch(/hello from HeadlessChrome\/\d+/);
    expect(dom).toContain('Kernel panic - not syncing: a crash in the browser');

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'machine-page.png');
    rmSync(shot, { force: true });
    chrome(`file://${html}`, `--screenshot=${shot}`, '--window-size=1000,700');
    expect(statSync(shot).size).toBeGreaterThan(5000);
  }, 240_000);
});
