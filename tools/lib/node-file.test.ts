import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBackend } from '../../hw/block/file.ts';
import { openFileHandle } from './node-file.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'node-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openFileHandle + FileBackend', () => {
  it('puts each write at its byte offset in the file and extends a new file to the store size', () => {
    const p = join(dir, 'card.img');
    const fh = openFileHandle(p, { create: true });
    const store = new FileBackend({ file: fh, size: 1024 * 1024 });
    expect(statSync(p).size).toBe(1024 * 1024);
    store.write(3 * 512, new Uint8Array(512).fill(0x5a));
    store.write(1024 * 1024 - 4, new Uint8Array([1, 2, 3, 4]));
    store.flush();
    const bytes = readFileSync(p);
    expect(bytes.length).toBe(1024 * 1024);
    expect(bytes.subarray(3 * 512 - 1, 4 * 512 + 1)).toEqual(Buffer.from([0, ...new Array(512).fill(0x5a), 0]));
    expect([...bytes.subarray(-4)]).toEqual([1, 2, 3, 4]);
    const back = new Uint8Array(512);
    store.read(3 * 512, back);
    expect(back.every((b) => b === 0x5a)).toBe(true);
    fh.close();
  });

  it('makes flushed data visible to another process', () => {
    const p = join(dir, 'shared.img');
    const fh = openFileHandle(p, { create: true, size: 64 * 1024 });
    const store = new FileBackend({ file: fh });
    store.write(8192, new TextEncoder().encode('written before the crash'));
    store.flush();
    const script = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.alloc(24);fs.readSync(fd,b,0,24,8192);process.stdout.write(b.toString())`;
    const r = spawnSync(process.execPath, ['-e', script, p], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('written before the crash');
    fh.close();
  });

  it('keeps an 8 GiB image sparse on disk', () => {
    const p = join(dir, 'big.img');
    const fh = openFileHandle(p, { create: true });
    const store = new FileBackend({ file: fh, size: 8 * 1024 ** 3 });
    store.write(4 * 1024 ** 3, new Uint8Array(4096).fill(1));
    store.flush();
    const st = statSync(p);
    expect(st.size).toBe(8 * 1024 ** 3);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024);
    fh.close();
  });

  it('reads past the end of a short file as zero and opens read-only files read-only', () => {
    const p = join(dir, 'short.img');
    writeFileSync(p, Buffer.from([7, 7, 7]));
    const ro = openFileHandle(p, { readOnly: true });
    const d = new Uint8Array(8).fill(9);
    ro.read(d, 0);
    expect([...d]).toEqual([7, 7, 7, 0, 0, 0, 0, 0]);
    expect(() => ro.write(new Uint8Array(1), 0)).toThrow();
    ro.close();
    expect(() => ro.read(d, 0)).toThrow(/after close/);
    expect(() => openFileHandle(join(dir, 'missing.img'))).toThrow(/ENOENT/);
    expect(() => openFileHandle(p, { readOnly: true, size: 4096 })).toThrow(TypeError);
  });
});
