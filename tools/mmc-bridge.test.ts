// SPDX-License-Identifier: GPL-2.0
// Black-box tests of tools/mmc-bridge: the real executable, spawned, driven by a host written with
// the codec over TCP and over the pty it makes; data lands in the image and the journal, a killed
// bridge answers nothing it did not write, and bad input changes no file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { crc32 } from '../lib/mmc_serial/crc.ts';
import { SERIAL_OK } from '../lib/mmc_serial/errors.ts';
import { FrameDecoder, encode_frame } from '../lib/mmc_serial/frame.ts';
import {
  CMD_DATA_WRITE,
  CMD_WAIT_BUSY,
  POWER_ON,
  RSP_NONE,
  RSP_R1,
  RSP_R1B,
  RSP_R2,
  RSP_R3,
  cmd_message,
  decode_message,
  encode_message,
  type serial_message,
} from '../lib/mmc_serial/messages.ts';

const TOOL = fileURLToPath(new URL('./mmc-bridge', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mmc-bridge-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RCA = 1;
const MiB = 1 << 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exists = (p: string) => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

interface exit_status {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned bridge: its ready URL, stderr so far, and how it ended. */
class Bridge {
  stderr = '';
  readonly exited: Promise<exit_status>;
  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }
  /** Resolves with the last word of the ready line; rejects if the bridge exits first. */
  ready(): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      this.child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const line = /^mmc-bridge: serving .* on (\S+)\n/m.exec(out);
        if (line) resolve(line[1]!);
      });
      void this.exited.then((s) => reject(new Error(`bridge exited (${s.code ?? s.signal}) before ready: ${this.stderr}`)));
    });
  }
}

const running: Bridge[] = [];
afterEach(() => {
  for (const b of running.splice(0)) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
});

const start = (args: string[], env: NodeJS.ProcessEnv = process.env): Bridge => {
  const b = new Bridge(spawn(TOOL, args, { stdio: ['ignore', 'pipe', 'pipe'], env }));
  running.push(b);
  return b;
};

type reply = serial_message & { seq: number };

/** The host end over any byte stream: one request at a time, replies matched by seq. */
class WireHost {
  seq = 0;
  requests = 0;
  readonly heard: reply[] = [];
  private readonly decoder = new FrameDecoder();
  private wake: (() => void) | null = null;

  constructor(readonly stream: Duplex) {
    stream.on('data', (b: Uint8Array) => {
      for (const d of this.decoder.push(b)) {
        if (d.kind !== 'frame') continue;
        const m = decode_message(d.type, d.payload);
        if ('error' in m) throw new Error(m.error);
        this.heard.push({ ...m, seq: d.seq });
      }
      this.wake?.();
    });
  }

  send(m: serial_message): number {
    const { type, payload } = encode_message(m);
    this.stream.write(encode_frame(type, ++this.seq, 0, payload));
    this.requests++;
    return this.seq;
  }

  async one(m: serial_message, timeout_ms = 3000): Promise<reply> {
    const seq = this.send(m);
    const limit = Date.now() + timeout_ms;
    for (;;) {
      const r = this.heard.find((h) => h.seq === seq);
      if (r) return r;
      if (Date.now() > limit) throw new Error(`no reply to ${m.type} seq ${seq}`);
      await new Promise<void>((wake) => {
        this.wake = wake;
        setTimeout(wake, 50);
      });
    }
  }

  async cmd(opcode: number, rsp_type: number, arg = 0, extra: Partial<Extract<serial_message, { type: 'cmd' }>> = {}) {
    const r = await this.one(cmd_message(opcode, rsp_type, arg, extra));
    if (r.type !== 'cmd_resp') throw new Error(`CMD${opcode}: ${r.type}`);
    return r;
  }

  /** HELLO, POWER ON, CMD0, CMD1 until ready, CMD2/3/9/7; returns whether the card is sector-addressed. */
  async bring_up(): Promise<boolean> {
    expect(await this.one({ type: 'hello', version: 1, max_payload: 4100 })).toMatchObject({ type: 'hello_ack', version: 1 });
    expect(await this.one({ type: 'power', op: POWER_ON })).toMatchObject({ type: 'ack' });
    await this.cmd(0, RSP_NONE);
    let ocr = 0;
    for (let i = 0; !(ocr >>> 31); i++) {
      if (i > 200) throw new Error('CMD1 never ready');
      if (i) await sleep(2); // the bridge's card clock follows real time
      ocr = (await this.cmd(1, RSP_R3, 0x40ff8080)).resp[0];
    }
    await this.cmd(2, RSP_R2);
    await this.cmd(3, RSP_R1, RCA << 16);
    await this.cmd(9, RSP_R2, RCA << 16);
    expect(await this.cmd(7, RSP_R1B, RCA << 16, { flags: CMD_WAIT_BUSY })).toMatchObject({ status: SERIAL_OK });
    return ((ocr >>> 29) & 3) === 2;
  }

  /** CMD23 + CMD25 of @data at byte @offset; the first DATA frame's reply. */
  async open_write(offset: number, blocks: number, sector_mode: boolean): Promise<number> {
    expect(await this.cmd(23, RSP_R1, blocks)).toMatchObject({ status: SERIAL_OK });
    const arg = sector_mode ? offset / 512 : offset;
    const c = await this.cmd(25, RSP_R1, arg, { flags: CMD_DATA_WRITE | CMD_WAIT_BUSY, blksz: 512, blocks });
    expect(c.status).toBe(SERIAL_OK);
    return this.seq;
  }

  /** A whole write, 8 blocks per DATA frame; returns the DATA_END. */
  async write(offset: number, data: Uint8Array, sector_mode: boolean): Promise<reply> {
    const blocks = data.length / 512;
    const cmd_seq = await this.open_write(offset, blocks, sector_mode);
    let r: reply | null = null;
    for (let b = 0; b < blocks; b += 8) r = await this.one({ type: 'data', cmd_seq, block_index: b, data: data.subarray(b * 512, Math.min(blocks, b + 8) * 512) });
    return r!;
  }
}

const pattern = (blocks: number, salt: number) => Uint8Array.from({ length: blocks * 512 }, (_, i) => (i * 13 + salt + (i >> 9)) & 0xff);

const read_at = (path: string, offset: number, length: number) => readFileSync(path).subarray(offset, offset + length);

const tcp_connect = async (url: string) => {
  const m = /^tcp:(.+):(\d+)$/.exec(url);
  if (!m) throw new Error(`not a tcp url: ${url}`);
  const socket = connect(Number(m[2]), m[1]!);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {}); // a reset when the bridge dies
  return socket;
};

describe('tools/mmc-bridge over TCP', () => {
  it('creates a GPT image, takes a CMD23+CMD25 write, journals it before DATA_END, and flushes on SIGTERM', { timeout: 15_000 }, async () => {
    const image = join(tmp, 'tcp.img');
    const journal = join(tmp, 'tcp.jsonl');
    const bridge = start(['--image', image, '--create', '64MiB', '--gpt', 'boot:1MiB,pstore:4MiB', '--tcp', '127.0.0.1:0', '--journal', journal]);
    const url = await bridge.ready();
    expect(url).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    const socket = await tcp_connect(url);
    try {
      const host = new WireHost(socket);
      const sector_mode = await host.bring_up();
      expect(sector_mode).toBe(false); // 64 MiB: byte addressing
      const data = pattern(16, 5);
      const pstore = 2 * MiB; // the second partition, at LBA 4096
      const end = await host.write(pstore, data, sector_mode);
      expect(end).toMatchObject({ type: 'data_end', status: SERIAL_OK, blocks_done: 16, crc: crc32(data) });
      // The reply came: the journal already has every block of it.
      const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { part: string; offset: number; length: number });
      const mine = lines.filter((l) => l.part === 'user' && l.offset >= pstore && l.offset < pstore + data.length);
      expect(mine.reduce((n, l) => n + l.length, 0)).toBe(data.length);
      expect(mine[0]).toEqual({ part: 'user', offset: pstore, length: 512 });
    } finally {
      socket.destroy();
    }
    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(bridge.stderr).toMatch(/^mmc-bridge: frames \d+, .*blocks written 16, blocks read 0\n$/);
    expect(statSync(image).size).toBe(64 * MiB);
    expect(Buffer.from(read_at(image, 512, 8)).toString('latin1')).toBe('EFI PART');
    expect(Array.from(read_at(image, 2 * MiB, 16 * 512))).toEqual(Array.from(pattern(16, 5)));
  });

  it('kill@40 during a two-frame write: dies at the second DATA, which is neither written nor answered', { timeout: 15_000 }, async () => {
    const image = join(tmp, 'kill.img');
    const bridge = start(['--image', image, '--create', '64MiB', '--tcp', '127.0.0.1:0', '--fault', 'kill@40']);
    const socket = await tcp_connect(await bridge.ready());
    try {
      const host = new WireHost(socket);
      const sector_mode = await host.bring_up();
      expect(host.requests).toBeLessThan(36);
      while (host.requests < 36) await host.one({ type: 'status' });
      const cmd_seq = await host.open_write(MiB, 16, sector_mode); // requests 37, 38
      const data = pattern(16, 9);
      const ack = await host.one({ type: 'data', cmd_seq, block_index: 0, data: data.subarray(0, 8 * 512) }); // 39
      expect(ack).toMatchObject({ type: 'data_ack', next_block: 8, status: SERIAL_OK });
      const last = host.send({ type: 'data', cmd_seq, block_index: 8, data: data.subarray(8 * 512) }); // 40
      expect(host.requests).toBe(40);
      expect(await bridge.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await sleep(20);
      expect(host.heard.some((r) => r.seq === last)).toBe(false);
      expect(Array.from(read_at(image, MiB, 8 * 512))).toEqual(Array.from(data.subarray(0, 8 * 512)));
      expect(read_at(image, MiB + 8 * 512, 8 * 512).every((b) => b === 0)).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('keeps the card across connections, delays replies by --latency, and closes the connection at disconnect@N', { timeout: 15_000 }, async () => {
    const image = join(tmp, 'reconnect.img');
    const bridge = start(['--image', image, '--create', '64MiB', '--tcp', '127.0.0.1:0', '--latency', '30', '--fault', 'disconnect@16']);
    const url = await bridge.ready();
    const first = await tcp_connect(url);
    const host = new WireHost(first);
    await host.bring_up();
    expect(host.requests).toBeLessThan(14);
    first.destroy(); // the reconnect below may reach the bridge before this hang-up does: it waits
    const second = await tcp_connect(url);
    const closed = new Promise((r) => second.once('close', r));
    try {
      const again = new WireHost(second);
      again.seq = host.seq;
      again.requests = host.requests;
      const t = Date.now();
      const r13 = await again.cmd(13, RSP_R1, RCA << 16); // no HELLO, no enumeration: same card
      expect(Date.now() - t).toBeGreaterThanOrEqual(25);
      expect((r13.resp[0] >>> 9) & 0xf).toBe(4); // tran
      while (again.requests < 15) await again.one({ type: 'status' });
      const lost = again.send({ type: 'status' }); // request 16
      await closed;
      expect(again.heard.some((r) => r.seq === lost)).toBe(false);
    } finally {
      second.destroy();
    }
    const third = new WireHost(await tcp_connect(url));
    try {
      expect(await third.one({ type: 'status' })).toMatchObject({ type: 'status_resp', powered: true });
    } finally {
      third.stream.destroy();
    }
  });
});

describe('tools/mmc-bridge over a pty', () => {
  it('serves the host through the LINK it makes with socat', { timeout: 15_000 }, async () => {
    const image = join(tmp, 'pty.img');
    const link = join(tmp, 'ttyMMC0');
    const bridge = start(['--image', image, '--create', '64MiB', '--pty', link]);
    expect(await bridge.ready()).toBe(`serial:${link}`);
    const port = new SerialPort({ path: link, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    try {
      const host = new WireHost(port);
      const sector_mode = await host.bring_up();
      const data = pattern(8, 1);
      expect(await host.write(3 * MiB, data, sector_mode)).toMatchObject({ type: 'data_end', status: SERIAL_OK, blocks_done: 8, crc: crc32(data) });
    } finally {
      await new Promise((r) => port.close(r));
    }
    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(Array.from(read_at(image, 3 * MiB, 8 * 512))).toEqual(Array.from(pattern(8, 1)));
    expect(() => statSync(link)).toThrow(); // socat removed the link
  });
});

describe('tools/mmc-bridge on a serial port', () => {
  it('serves a tty (one end of a socat pty pair; the host opens the other)', { timeout: 15_000 }, async () => {
    const [a, b] = [join(tmp, 'ttyA'), join(tmp, 'ttyB')];
    const pair = spawn('socat', [`PTY,link=${a},raw,echo=0`, `PTY,link=${b},raw,echo=0`], { stdio: 'ignore' });
    try {
      for (let i = 0; !(exists(a) && exists(b)); i++) {
        if (i > 300) throw new Error('socat made no pty pair');
        await sleep(10);
      }
      const bridge = start(['--image', join(tmp, 'serial.img'), '--create', '1MiB', '--serial', a, '--baud', '115200']);
      expect(await bridge.ready()).toBe(`serial:${a}`);
      const port = new SerialPort({ path: b, baudRate: 115200, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
      try {
        const host = new WireHost(port);
        expect(await host.one({ type: 'hello', version: 1, max_payload: 4100 })).toMatchObject({ type: 'hello_ack' });
        expect(await host.one({ type: 'status' })).toMatchObject({ type: 'status_resp', powered: false });
      } finally {
        await new Promise((r) => port.close(r));
      }
      bridge.child.kill('SIGTERM');
      expect(await bridge.exited).toEqual({ code: 0, signal: null });
    } finally {
      pair.kill('SIGTERM');
    }
  });
});

describe('tools/mmc-bridge bad input', () => {
  it('exits 2 with one line on stderr and leaves the image as it was', { timeout: 15_000 }, async () => {
    const keep = join(tmp, 'keep.img');
    const odd = join(tmp, 'odd.img');
    writeFileSync(keep, pattern(2048, 7)); // 1 MiB
    writeFileSync(odd, new Uint8Array(1000).fill(0x33));
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const taken = (busy.address() as AddressInfo).port;
    // A PATH where node is found but socat is not.
    const nodeonly = join(tmp, 'bin');
    mkdirSync(nodeonly);
    symlinkSync(process.execPath, join(nodeonly, 'node'));
    const snap = (p: string) => ({ bytes: readFileSync(p).toString('base64'), mtime: statSync(p).mtimeMs });
    const before = { keep: snap(keep), odd: snap(odd) };
    const cases: [string, string[], RegExp][] = [
      ['missing --image', ['--tcp', '127.0.0.1:0'], /--image FILE is required/],
      ['two transports', ['--image', keep, '--tcp', '127.0.0.1:0', '--pty', join(tmp, 'p')], /one transport, not --tcp and --pty/],
      ['bad fault', ['--image', keep, '--tcp', '127.0.0.1:0', '--fault', 'boom@1'], /--fault 'boom@1'.*accepted: garbage@N/],
      ['odd size', ['--image', odd, '--tcp', '127.0.0.1:0'], /1000 bytes is not a nonzero multiple of 512/],
      ['other size', ['--image', keep, '--create', '2MiB', '--tcp', '127.0.0.1:0'], /exists with 1048576 bytes/],
      ['port in use', ['--image', keep, '--tcp', `127.0.0.1:${taken}`], /address already in use/],
      ['no serial', ['--image', keep, '--serial', join(tmp, 'no-such-tty')], /--serial .*cannot open/],
      ['no socat', ['--image', keep, '--pty', join(tmp, 'p')], /socat not found/],
    ];
    try {
      const results = await Promise.all(
        cases.map(async ([what, args]) => {
          const b = start(args, what === 'no socat' ? { PATH: nodeonly } : process.env);
          return { status: await b.exited, stderr: b.stderr };
        }),
      );
      results.forEach((r, i) => {
        const [what, , message] = cases[i]!;
        expect(r.status, what).toEqual({ code: 2, signal: null });
        expect(r.stderr, what).toMatch(/^mmc-bridge: [^\n]+\n$/);
        expect(r.stderr, what).toMatch(message);
      });
    } finally {
      await new Promise((r) => busy.close(r));
    }
    expect({ keep: snap(keep), odd: snap(odd) }).toEqual(before);
  });
});
