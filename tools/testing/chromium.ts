// SPDX-License-Identifier: GPL-2.0
// Debian's Chromium driven by playwright-core, offline: a page can reach one made-up origin,
// served from memory, and nothing else (every other request is aborted), so what it shows came
// from the files a test gave it. CI installs chromium (.ci/run); playwright downloads no browser.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Chromium binary on PATH, or undefined (the browser tests are then skipped). */
export const CHROMIUM = ['chromium', 'chromium-browser']
  .map((b) => spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).stdout.trim())
  .find((path) => path !== '');

/** The only origin a test page can load from. */
export const ORIGIN = 'http://mmcpstore.test';

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', map: 'application/json', json: 'application/json' };

export const launch_chromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-gpu'] });

export interface offline_page {
  readonly page: Page;
  /** Uncaught errors and console errors of the page, as they happened. */
  readonly errors: string[];
}

/**
 * A new page in @browser for which ORIGIN/<name> answers @files[name] and every other URL fails;
 * its errors collected. Open it with page.goto(`${ORIGIN}/index.html`).
 */
export const offline_page = async (browser: Browser, files: Readonly<Record<string, string | Uint8Array>>, viewport = { width: 1000, height: 700 }): Promise<offline_page> => {
  const context = await browser.newContext({ viewport });
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const body = url.origin === ORIGIN ? files[url.pathname.slice(1)] : undefined;
    if (body === undefined) return route.abort('addressunreachable');
    const ext = url.pathname.slice(url.pathname.lastIndexOf('.') + 1);
    return route.fulfill({ status: 200, contentType: TYPES[ext] ?? 'application/octet-stream', body: typeof body === 'string' ? body : Buffer.from(body) });
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.stack ?? String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
};

/** Where the screenshots a test run keeps go (gitignored). */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Screenshot @page into test-artifacts/@name (the whole page if @full_page); its size in bytes. */
export const save_screenshot = async (page: Page, name: string, full_page = false): Promise<number> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}`;
  await page.screenshot({ path, fullPage: full_page });
  return statSync(path).size;
};
