// SPDX-License-Identifier: GPL-2.0
// Black-box tests of tools/pstore-read on images written by Linux 6.1 (tools/testdata/pstore):
// the real executable, spawned, must write the files the kernel showed, byte for byte.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const TOOL = fileURLToPath(new URL('./pstore-read', import.meta.url));
const DATA = fileURLToPath(new URL('./testdata/pstore/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pstore-read-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const run = (args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(TOOL, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });

const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** The vector's gzipped image, unpacked into the temp dir. */
const image = (vector: string, name = 'card.img'): string => {
  const p = join(tmp, `${vector}-${name}`);
  writeFileSync(p, gunzipSync(readFileSync(join(DATA, vector, `${name}.gz`))));
  return p;
};

let outs = 0;
const outDir = (): string => join(tmp, `out-${++outs}`);

interface Row {
  name: string;
  size: number;
  mode: string;
  mtime: number;
  sha256: string;
}
const manifest = (dir: string): Row[] =>
  readFileSync(join(dir, 'manifest.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [name, size, mode, mtime, , sha] = l.split('\t');
      return { name: name!, size: Number(size), mode: mode!, mtime: Number(mtime), sha256: sha! };
    });

/** @out holds exactly the kernel's files of @exported: names, bytes, mode, mtime seconds. */
const expectSameFiles = (out: string, exported: string): void => {
  const rows = manifest(exported);
  expect(readdirSync(out).sort()).toEqual(rows.map((r) => r.name).sort());
  for (const r of rows) {
    const p = join(out, r.name);
    expect(readFileSync(p).equals(readFileSync(join(exported, r.name))), r.name).toBe(true);
    expect(sha256(p)).toBe(r.sha256);
    const st = statSync(p);
    expect(st.size).toBe(r.size);
    expect((st.mode & 0o777).toString(8)).toBe(r.mode);
    expect(Math.floor(st.mtimeMs / 1000)).toBe(r.mtime);
  }
};

describe('tools/pstore-read', { timeout: 120_000 }, () => {
  const oops1 = image('oops1-none-1m');
  const oops2 = image('oops2-deflate-1m');
  const erased = image('oops2-deflate-1m', 'card-erased.img');
  const before = new Map([oops1, oops2, erased].map((p) => [p, sha256(p)]));

  it('reads an uncompressed Oops: the file starts with "Oops: Total 1 times"', async () => {
    const out = outDir();
    const r = await run([oops1, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('dmesg-pstore_blk-0  29237 bytes  Oops #1  2024-01-01T00:00:03.442403881Z\n');
    expectSameFiles(out, join(DATA, 'oops1-none-1m/exported'));
    expect(readFileSync(join(out, 'dmesg-pstore_blk-0'), 'utf8')).toMatch(/^Oops: Total 1 times\nOops#1 Part1\n/);
  });

  it('decompresses both deflated Oopses with --profile 6.1, and with 6.6', async () => {
    for (const profile of ['6.1', '6.6']) {
      const out = outDir();
      const r = await run([oops2, '--out', out, '--profile', profile]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expectSameFiles(out, join(DATA, 'oops2-deflate-1m/exported'));
    }
  });

  it('keeps the stored streams as *.enc.z with --profile none', async () => {
    const out = outDir();
    const r = await run([oops2, '--out', out, '--profile', 'none']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dmesg-pstore_blk-1.enc.z  12467 bytes  Oops #2 (compressed)  2024-01-01T00:00:06.438178000Z\n');
    expectSameFiles(out, join(DATA, 'oops2-deflate-1m/exported-raw'));
  });

  it('finds nothing on the card whose records were unlinked', async () => {
    const out = outDir();
    const r = await run([erased, '--out', out]);
    expect(r).toEqual({ status: 0, stdout: 'no records\n', stderr: '' });
    expect(readdirSync(out)).toEqual([]);
    const j = await run([erased, '--out', outDir(), '--json']);
    expect(j).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('prints one JSON object per record with --json', async () => {
    const r = await run([oops2, '--out', outDir(), '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { type: 'dmesg', id: 0, reason: 'Oops', counter: 1, time: '2024-01-01T00:00:03.419615970Z', compressed: true, size: 28777, file: 'dmesg-pstore_blk-0' },
      { type: 'dmesg', id: 1, reason: 'Oops', counter: 2, time: '2024-01-01T00:00:06.438178000Z', compressed: true, size: 33044, file: 'dmesg-pstore_blk-1' },
    ]);
    const one = await run([oops1, '--out', outDir(), '--json', '--profile', 'none']);
    expect(JSON.parse(one.stdout)).toEqual({ type: 'dmesg', id: 0, reason: 'Oops', counter: 1, time: '2024-01-01T00:00:03.442403881Z', compressed: false, size: 29237, file: 'dmesg-pstore_blk-0' });
  });

  it('reads an area at --offset with --size inside a bigger image', async () => {
    const big = join(tmp, 'disk.img');
    const card = readFileSync(oops2);
    writeFileSync(big, Buffer.concat([Buffer.alloc(0x80000, 0xa5), card, Buffer.alloc(4096, 0x5a)]));
    const out = outDir();
    const r = await run([big, '--out', out, '--offset', '512K', '--size', '0x100000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectSameFiles(out, join(DATA, 'oops2-deflate-1m/exported'));
  });

  it('normalises a size that is not a multiple of 4 KiB as pstore_blk does, and says so', async () => {
    const r = await run([oops2, '--out', outDir(), '--kmsg-size', '6', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('pstore-read: pstore_blk: kmsg_size must align to 4096 (6 KiB becomes 4096 bytes)\n');
  });

  it('gives one clear message and exit status 2 for each kind of bad input', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const full = join(tmp, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'old'), '');
    const cases: Array<[string[], RegExp]> = [
      [['/nonexistent.img', '--out', outDir()], /^pstore-read: \/nonexistent\.img: cannot read: no such file or directory\n$/],
      [[tmp, '--out', outDir()], /^pstore-read: .*: not a regular file/],
      [[oops2, '--out', outDir(), '--size', '2M'], /^pstore-read: .*card\.img: image is 1048576 bytes, smaller than --offset \+ --size = 2097152\n$/],
      [[oops2, '--out', outDir(), '--offset', '2M'], /^pstore-read: .*card\.img: --offset 2097152 is past the end of the image \(1048576 bytes\)\n$/],
      [[oops2, '--out', outDir(), '--size', String(1048576 - 512)], /^pstore-read: .*total_size must be a multiple of 4096 \(errno 22\)\n$/],
      [[oops2, '--out', outDir(), '--size', '2K'], /^pstore-read: .*total_size must be >= 4096 \(errno 22\)\n$/],
      [[oops2, '--out', outDir(), '--kmsg-size', '0'], /^pstore-read: .*at least one record size must be non-zero \(errno 22\)\n$/],
      [[oops2, '--out', outDir(), '--kmsg-size', '2048'], /^pstore-read: .*total_size too small \(errno 22\)\n$/],
      [[oops2, '--out', outDir(), '--pmsg-size', '2048'], /^pstore-read: .*no room for pmsg/],
      [[oops2, '--out', file], /^pstore-read: --out .*a-file: exists and is not a directory\n$/],
      [[oops2, '--out', full], /^pstore-read: --out .*full: directory is not empty\n$/],
      [[oops2, '--out', outDir(), '--offset', 'abc'], /^pstore-read: option '--offset <bytes>' argument 'abc' is invalid\. expected a byte count/],
      [[oops2, '--out', outDir(), '--kmsg-size', '1.5'], /^pstore-read: option '--kmsg-size <kib>' argument '1\.5' is invalid/],
      [[oops2, '--out', outDir(), '--nr-cpus', '0'], /^pstore-read: option '--nr-cpus <n>' argument '0' is invalid/],
      [[oops2, '--out', outDir(), '--profile', '5.10'], /^pstore-read: option '--profile <profile>' argument '5\.10' is invalid\. Allowed choices are 6\.1, 6\.6, none\./],
      [[oops2], /^pstore-read: required option '--out <dir>' not specified\n$/],
      [['--out', outDir()], /^pstore-read: missing required argument 'image'\n$/],
      [[oops2, '--out', outDir(), '--nope'], /^pstore-read: unknown option '--nope'/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args)));
    cases.forEach(([args, message], i) => {
      const r = results[i]!;
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      const out = args[args.indexOf('--out') + 1];
      if (out?.includes('out-')) expect(() => statSync(out), `${args.join(' ')} made --out`).toThrow();
    });
  });

  it.skipIf(process.getuid?.() === 0)('refuses an unreadable image with exit status 2', async () => {
    const p = join(tmp, 'unreadable.img');
    writeFileSync(p, readFileSync(oops1));
    chmodSync(p, 0);
    const r = await run([p, '--out', outDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^pstore-read: .*unreadable\.img: cannot read: permission denied\n$/);
  });

  it('prints help with examples and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tools/pstore-read [options] <image>');
    expect(r.stdout).toContain('Examples:\n  $ tools/pstore-read card.img --out pstore/');
  });

  it('never writes the image', () => {
    for (const [p, sum] of before) expect(sha256(p), p).toBe(sum);
  });
});
