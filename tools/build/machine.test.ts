// The browser bundle of the machine: pako, not node:zlib, inside, no Node built-in, nothing
// external; loaded as it is, it boots the default board and brings a panic's record back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build_bundle } from './bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'machine-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the machine browser bundle', () => {
  it('takes zlib from pako, holds no Node built-in, and recovers a panic record when loaded', async () => {
    const out = join(dir, 'machine.js');
    const meta = await build_bundle('machine', out);
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('lib/zlib/pako.ts');
    expect(inputs).not.toContain('lib/zlib/node.ts');
    expect(inputs.filter((i) => /^node:/.test(i))).toEqual([]);
    const output = meta.outputs[Object.keys(meta.outputs).find((o) => o.endsWith('machine.js'))!]!;
    expect(output.imports).toEqual([]);

    const api = (await import(pathToFileURL(out).href)) as typeof import('../../init/api.ts');
    const m = await api.createMachine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64' });
    await m.mount_pstore();
    await m.printk('from the bundle');
    await m.panic('bundled crash');
    const next = await m.reboot();
    await next.mount_pstore();
    const text = next.pstore_files().map((f) => new TextDecoder().decode(f.data)).join('');
    expect(text).toContain('from the bundle');
    expect(text).toContain('Kernel panic - not syncing: bundled crash');
  });
});
