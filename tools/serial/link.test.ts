// SPDX-License-Identifier: GPL-2.0
// open_link over real transports: TCP echo servers and a socat pseudo-terminal. read() blocks this
// thread, so every peer runs in a child process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { serial_link } from '../../include/linux/platform_data/mmc_serial.h.ts';
import { LINK_RING_BYTES, open_link } from './link.ts';

/** Echoes; first greets each client with argv[2] bytes of 0xaa. */
const ECHO_SERVER = `const greeting = Buffer.alloc(Number(process.argv[2]), 0xaa);
const s = require('node:net').createServer((c) => { c.on('error', () => {}); c.write(greeting); c.pipe(c); });
s.listen(Number(process.argv[1]), '127.0.0.1', () => console.log(s.address().port));`;

const children: ChildProcess[] = [];
const links: serial_link[] = [];
const dirs: string[] = [];

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

afterEach(async () => {
  for (const link of links.splice(0)) link.close();
  await Promise.all(children.splice(0).map(stop));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An echo server in a child process on @port (0: any); resolves once it listens. */
const echo_server = (port = 0, greeting = 0): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ECHO_SERVER, String(port), String(greeting)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
    child.stdout!.once('data', (b: Buffer) => resolve({ child, port: Number(b.toString().trim()) }));
  });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait (without reading the link) until @cond holds. */
const until = async (cond: () => boolean, timeout_ms = 3000): Promise<void> => {
  const deadline = performance.now() + timeout_ms;
  while (!cond() && performance.now() < deadline) await sleep(10);
  expect(cond()).toBe(true);
};

const open = (url: string): ReturnType<typeof open_link> => {
  const link = open_link(url);
  links.push(link);
  return link;
};

/** Read until @n bytes came (or @timeout_ms passed), all of them in order. */
const read_bytes = (link: serial_link, n: number, timeout_ms = 3000): Uint8Array => {
  const out = new Uint8Array(n);
  let got = 0;
  const deadline = performance.now() + timeout_ms;
  while (got < n && performance.now() < deadline) {
    const b = link.read(50);
    expect(got + b.length).toBeLessThanOrEqual(n);
    out.set(b, got);
    got += b.length;
  }
  expect(got).toBe(n);
  return out;
};

/** Same bytes as @want; the index of the first difference on failure (toEqual crawls on MiBs). */
const expect_bytes = (got: Uint8Array, want: Uint8Array): void => {
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, want) === 0 ? -1 : got.findIndex((b, i) => b !== want[i])).toBe(-1);
};

const random_bytes = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
};

/** Write @bytes in pieces of varied size. */
const write_pieces = (link: serial_link, bytes: Uint8Array): void => {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = 1 + ((i * 7919) % 4096);
    expect(link.write(bytes.subarray(at, at + n))).toBe(true);
    at += n;
  }
};

const echo_works = (link: serial_link): void => {
  const probe = random_bytes(300, 99);
  expect(link.write(probe)).toBe(true);
  expect_bytes(read_bytes(link, probe.length), probe);
};

describe('open_link over TCP', () => {
  it('echoes 100 KiB written in pieces, byte for byte', async () => {
    const { port } = await echo_server();
    const link = open(`tcp:127.0.0.1:${port}`);
    expect(link.description).toBe(`tcp:127.0.0.1:${port}`);
    expect(link.up).toBe(true);
    expect(link.generation).toBe(1);
    const sent = random_bytes(100 << 10, 12345);
    write_pieces(link, sent);
    expect_bytes(read_bytes(link, sent.length), sent);
  });

  it('keeps more than the ring holds while nobody reads, and hands it over complete and in order', async () => {
    const { port } = await echo_server();
    const link = open(`tcp:127.0.0.1:${port}`);
    // Off the ring's alignment first, so that copies in and out straddle its end.
    echo_works(link);
    const sent = random_bytes(LINK_RING_BYTES * 2 + 12345, 777);
    write_pieces(link, sent);
    // Let the echo fill the ring and the worker's overflow before the first read.
    await sleep(300);
    expect_bytes(read_bytes(link, sent.length), sent);
  });

  it('read(50) with nothing coming returns empty after the timeout', async () => {
    const { port } = await echo_server();
    const link = open(`tcp:127.0.0.1:${port}`);
    const t = performance.now();
    expect(link.read(50)).toEqual(new Uint8Array(0));
    expect(performance.now() - t).toBeGreaterThanOrEqual(40);
  });

  it('goes down when the server dies and comes back with the next generation when it returns', async () => {
    // The greeting stays unread: it belongs to the dead connection and must not reach read().
    const first = await echo_server(0, 1000);
    const link = open(`tcp:127.0.0.1:${first.port}`);
    const generation = link.generation;
    await sleep(50);
    await stop(first.child);
    await until(() => !link.up);
    expect(link.write(new Uint8Array([1]))).toBe(false);
    expect(link.read(20)).toEqual(new Uint8Array(0));
    await echo_server(first.port);
    await until(() => link.up);
    expect(link.generation).toBe(generation + 1);
    echo_works(link);
  });

  it('throws naming the URL when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const t = performance.now();
    expect(() => open_link(`tcp:127.0.0.1:${port}`, { connect_timeout_ms: 3000 })).toThrow(`cannot connect to tcp:127.0.0.1:${port}: ECONNREFUSED`);
    expect(performance.now() - t).toBeLessThan(3000);
  });
});

describe('open_link over a pseudo-terminal', () => {
  /** socat makes a pty at <dir>/tty whose other end echoes; resolves once the link exists. */
  const pty_echo = async (dir: string): Promise<ChildProcess> => {
    const tty = join(dir, 'tty');
    const child = spawn('socat', [`PTY,link=${tty},raw,echo=0`, 'EXEC:cat'], { stdio: 'ignore' });
    children.push(child);
    for (let i = 0; i < 200 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(tty)).toBe(true);
    return child;
  };
  const every_byte = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('echoes all 256 byte values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'link-'));
    dirs.push(dir);
    await pty_echo(dir);
    const link = open(`serial:${dir}/tty?baud=115200`);
    expect(link.description).toBe(`serial:${dir}/tty?baud=115200`);
    expect(link.write(every_byte)).toBe(true);
    expect_bytes(read_bytes(link, 256), every_byte);
  });

  it('throws naming the URL and the reason when the device is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'link-'));
    dirs.push(dir);
    expect(() => open_link(`serial:${dir}/none`)).toThrow(`cannot connect to serial:${dir}/none: No such file or directory, cannot open ${dir}/none`);
  });

  it('reopens the device when the pty comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'link-'));
    dirs.push(dir);
    const socat = await pty_echo(dir);
    const link = open(`serial:${dir}/tty`);
    expect(link.generation).toBe(1);
    await stop(socat);
    await until(() => !link.up);
    await pty_echo(dir);
    await until(() => link.up);
    expect(link.generation).toBe(2);
    expect(link.write(every_byte)).toBe(true);
    expect_bytes(read_bytes(link, 256), every_byte);
  });
});
