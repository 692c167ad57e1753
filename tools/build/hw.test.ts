// The browser bundle of hw/: built by esbuild with nothing left external, no Node built-in and no
// DI container inside (checked on its metafile), and working once loaded: a card on a sparse
// store, taken to the transfer state by raw commands.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../hw/index.ts';
import { build_bundle } from './bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the hw/ browser bundle', () => {
  it('holds the models and nothing of Node or tsyringe, and works when imported', async () => {
    const out = join(dir, 'hw.js');
    const meta = await build_bundle('hw', out);
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('hw/sd/sdhci.ts');
    expect(inputs).toContain('hw/sd/emmc.ts');
    expect(inputs.filter((i) => /^node:|node_modules\/(tsyringe|reflect-metadata)/.test(i))).toEqual([]);
    expect(inputs.filter((i) => !/^(hw|include\/hw)\//.test(i))).toEqual([]);
    const output = meta.outputs[Object.keys(meta.outputs).find((o) => o.endsWith('hw.js'))!]!;
    expect(output.imports).toEqual([]);
    expect(readFileSync(out, 'utf8')).not.toMatch(/\brequire\(|from ['"]node:/);

    const hw = (await import(pathToFileURL(out).href)) as typeof import('../../hw/index.ts');
    // The embedder's clock, as simple as one can be: time is set by hand, nothing is scheduled.
    let now = 0;
    const clock: Clock = { get now() { return now; }, at: (time) => ({ time, cancelled: false }), cancel: () => {} };
    const card = new hw.EmmcCard({ clock, user: new hw.SparseBackend({ size: 64 << 20 }), poweredOn: true });
    expect(card.command(0, 0).kind).toBe('none');
    now = 2e9; // past the power-up busy
    const ocr = card.command(1, 0x40ff8080);
    expect(ocr.kind === 'short' && ocr.word >>> 31).toBe(1);
    expect(hw.SDHCI.SDHCI_ARGUMENT).toBe(0x08);
    // A store's exchange() hands back what a write replaced as the Replaced the bundle exports.
    const old = new hw.SparseBackend({ size: 1 << 20 }).exchange(0, new Uint8Array([1, 2, 3]));
    expect(old).toBeInstanceOf(hw.Replaced);
    const was = new Uint8Array(3).fill(9);
    old.read(0, was);
    expect([...was]).toEqual([0, 0, 0]);
  });
});
