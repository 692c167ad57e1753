// SPDX-License-Identifier: GPL-2.0
// BridgeDevice against docs/serial-protocol.md: handshake bytes, enumeration, data both ways, the
// duplicate cache, resynchronisation after line noise, and no success for an incomplete write.
import { describe, expect, it } from 'vitest';
import type { Replaced } from '../../hw/block/exchange.ts';
import { SparseBackend } from '../../hw/block/sparse.ts';
import { EmmcCard } from '../../hw/sd/emmc.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { crc32 } from '../../lib/mmc_serial/crc.ts';
import {
  SERIAL_BUSY,
  SERIAL_MALFORMED,
  SERIAL_NO_REPLAY,
  SERIAL_OK,
  SERIAL_SEQUENCE,
  SERIAL_UNSUPPORTED,
} from '../../lib/mmc_serial/errors.ts';
import { FRAME_FROM_DEVICE, FRAME_RETRANSMIT, FrameDecoder, encode_frame } from '../../lib/mmc_serial/frame.ts';
import {
  CMD_DATA_READ,
  CMD_DATA_WRITE,
  CMD_WAIT_BUSY,
  MSG_ACK,
  MSG_CMD,
  MSG_HELLO,
  POWER_CYCLE,
  RSP_NONE,
  RSP_R1,
  RSP_R1B,
  RSP_R2,
  RSP_R3,
  STATE_DATA_OUT,
  cmd_message,
  decode_message,
  encode_message,
  type serial_message,
} from '../../lib/mmc_serial/messages.ts';
import { BridgeDevice } from './device.ts';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (b) => parseInt(b, 16));
const RCA = 1;

/** The user store, counting the writes that reach it (the card writes through exchange()). */
class CountingBackend extends SparseBackend {
  writes = 0;
  override write(offset: number, src: Uint8Array): void {
    this.writes++;
    super.write(offset, src);
  }
  override exchange(offset: number, src: Uint8Array): Replaced {
    this.writes++;
    return super.exchange(offset, src);
  }
}

/** A card as init/glue/card.ts builds one: sparse 8 GiB user area, 4 MiB boot areas, unpowered. */
function make() {
  const clock = new VirtualClock();
  const user = new CountingBackend({ size: 8 * 1024 ** 3 });
  const card = new EmmcCard({
    clock,
    user,
    boot0: new SparseBackend({ size: 4 << 20 }),
    boot1: new SparseBackend({ size: 4 << 20 }),
    poweredOn: false,
  });
  const dev = new BridgeDevice(card, clock);
  return { clock, user, card, dev, host: new Host(dev) };
}

type reply = serial_message & { seq: number; flags: number };

/** A scripted host: encodes requests, feeds the device, decodes its replies. */
class Host {
  seq = 0;
  constructor(readonly dev: BridgeDevice) {}

  frame(m: serial_message, seq = ++this.seq, flags = 0): Uint8Array {
    const { type, payload } = encode_message(m);
    return encode_frame(type, seq, flags, payload);
  }

  feed(bytes: Uint8Array): reply[] {
    const dec = new FrameDecoder();
    const out: reply[] = [];
    for (const f of this.dev.receive(bytes)) {
      for (const d of dec.push(f)) {
        if (d.kind !== 'frame') throw new Error(`device sent a bad frame: ${d.kind}`);
        const m = decode_message(d.type, d.payload);
        if ('error' in m) throw new Error(m.error);
        out.push({ ...m, seq: d.seq, flags: d.flags });
      }
    }
    return out;
  }

  send(m: serial_message): reply[] {
    return this.feed(this.frame(m));
  }

  one(m: serial_message): reply {
    const r = this.send(m);
    expect(r).toHaveLength(1);
    expect(r[0]!.seq).toBe(this.seq);
    expect(r[0]!.flags & FRAME_FROM_DEVICE).toBe(FRAME_FROM_DEVICE);
    return r[0]!;
  }

  cmd(opcode: number, rsp_type: number, arg = 0, extra: Partial<Extract<serial_message, { type: 'cmd' }>> = {}): reply {
    return this.one(cmd_message(opcode, rsp_type, arg, extra));
  }

  resp(r: reply) {
    if (r.type !== 'cmd_resp') throw new Error(`expected CMD_RESP, got ${r.type}`);
    return r;
  }

  /** HELLO, POWER CYCLE, SET_IOS, then CMD0/1/2/3/9/7 (6.1, 6.2). */
  bring_up(clock: VirtualClock): void {
    this.one({ type: 'hello', version: 1, max_payload: 4100 });
    this.one({ type: 'power', op: POWER_CYCLE });
    this.one({ type: 'set_ios', clock_hz: 400_000, bus_width: 1, timing: 0, power_mode: 2 });
    this.cmd(0, RSP_NONE);
    for (let i = 0; ; i++) {
      if (this.resp(this.cmd(1, RSP_R3, 0x40ff8080)).resp[0] >>> 31) break;
      if (i > 100) throw new Error('CMD1 never ready');
      clock.advance_to(clock.now + 1_000_000);
    }
    this.cmd(2, RSP_R2);
    this.cmd(3, RSP_R1, RCA << 16);
    this.cmd(9, RSP_R2, RCA << 16);
    expect(this.resp(this.cmd(7, RSP_R1B, RCA << 16, { flags: CMD_WAIT_BUSY })).status).toBe(SERIAL_OK);
  }
}

const words = (reg: Uint8Array) => {
  const w = (i: number) => ((reg[i]! << 24) | (reg[i + 1]! << 16) | (reg[i + 2]! << 8) | reg[i + 3]!) >>> 0;
  return [w(0), w(4), w(8), (w(12) & 0xffffff00) >>> 0];
};

const pattern = (blocks: number, salt: number) => Uint8Array.from({ length: blocks * 512 }, (_, i) => (i * 7 + salt + (i >> 9)) & 0xff);

const write_cmd = (arg: number, blocks: number, flags = CMD_DATA_WRITE | CMD_WAIT_BUSY): serial_message => ({
  type: 'cmd',
  opcode: 25,
  rsp_type: RSP_R1,
  flags,
  arg,
  blksz: 512,
  blocks,
  busy_timeout_ms: 0,
});

describe('BridgeDevice handshake', () => {
  it('answers the worked-example HELLO with the HELLO_ACK bytes of 6.1', () => {
    const { dev } = make();
    const out = dev.receive(hex('a5 5a 01 00 01 00 04 00 01 00 04 10 c5 f3 14 9a'));
    expect(out).toHaveLength(1);
    // version 1, max_payload 4100, max_blocks 128, sizes 0x0200, widths 0x07, caps 0x03, 52 MHz.
    const payload = hex('01 00 04 10 80 00 00 02 07 03 00 00 00 75 19 03');
    const head = hex('a5 5a 81 01 01 00 10 00');
    const expected = new Uint8Array(head.length + payload.length + 4);
    expected.set(head);
    expected.set(payload, head.length);
    new DataView(expected.buffer).setUint32(24, crc32(expected, 2, 24), true);
    expect(Array.from(out[0]!)).toEqual(Array.from(expected));
  });

  it('acknowledges POWER and SET_IOS, refuses HS200 timing and a version-0 HELLO', () => {
    const { host, card } = make();
    expect(card.powered).toBe(false);
    const ack = host.one({ type: 'power', op: POWER_CYCLE });
    expect(ack).toMatchObject({ type: 'ack', ref_type: 0x02 });
    expect(card.powered).toBe(true);
    expect(host.one({ type: 'set_ios', clock_hz: 400_000, bus_width: 1, timing: 0, power_mode: 2 })).toMatchObject({ type: 'ack', ref_type: 0x03 });
    expect(host.one({ type: 'set_ios', clock_hz: 200e6, bus_width: 8, timing: 4, power_mode: 2 })).toMatchObject({ type: 'error', code: SERIAL_UNSUPPORTED });
    const bad = host.feed(encode_frame(MSG_HELLO, ++host.seq, 0, hex('00 00 04 10')));
    expect(bad).toMatchObject([{ type: 'error', code: SERIAL_MALFORMED, ref_type: MSG_HELLO }]);
  });
});

describe('BridgeDevice enumeration', () => {
  it('runs CMD0, CMD1 until ready, CMD2, CMD3, CMD9, CMD7 with the card’s own R1/R2/R3', () => {
    const { host, card, clock } = make();
    host.one({ type: 'hello', version: 1, max_payload: 4100 });
    host.one({ type: 'power', op: POWER_CYCLE });
    expect(host.resp(host.cmd(0, RSP_NONE))).toMatchObject({ status: SERIAL_OK, resp: [0, 0, 0, 0] });
    const first = host.resp(host.cmd(1, RSP_R3, 0x40ff8080));
    expect(first.status).toBe(SERIAL_OK);
    expect(first.resp[0] >>> 31).toBe(0); // still powering up
    let ocr = first.resp[0];
    for (let i = 0; !(ocr >>> 31); i++) {
      expect(i).toBeLessThan(100);
      clock.advance_to(clock.now + 1_000_000);
      ocr = host.resp(host.cmd(1, RSP_R3, 0x40ff8080)).resp[0];
    }
    expect(ocr >>> 0).toBe(0xc0ff8080);
    expect(host.resp(host.cmd(2, RSP_R2)).resp).toEqual(words(card.cid));
    const r3 = host.resp(host.cmd(3, RSP_R1, RCA << 16));
    expect((r3.resp[0] >>> 9) & 0xf).toBe(2); // R1 current state: ident
    expect(host.resp(host.cmd(9, RSP_R2, RCA << 16)).resp).toEqual(words(card.csd));
    const r7 = host.resp(host.cmd(7, RSP_R1B, RCA << 16, { flags: CMD_WAIT_BUSY }));
    expect(r7.status).toBe(SERIAL_OK);
    expect((r7.resp[0] >>> 9) & 0xf).toBe(3); // stby when CMD7 arrived
    expect(card.state).toBe('tran');
    expect(card.rca).toBe(RCA);
  });

  it('reports a command the card does not answer as TIMEOUT and a powered-off card as POWERED_OFF', () => {
    const { host, clock } = make();
    expect(host.resp(host.cmd(1, RSP_R3, 0x40ff8080)).status).toBe(12);
    host.bring_up(clock);
    expect(host.resp(host.cmd(3, RSP_R1, RCA << 16)).status).toBe(1); // illegal in tran: no response
  });
});

describe('BridgeDevice data', () => {
  it('writes CMD23+CMD25 16 blocks at LBA 0x1000 into the store, then reads them back with CMD18', () => {
    const { host, clock, user, card } = make();
    host.bring_up(clock);
    const data = pattern(16, 3);
    expect(host.resp(host.cmd(23, RSP_R1, 16)).status).toBe(SERIAL_OK);
    const c = host.resp(host.one(write_cmd(0x1000, 16)));
    expect(c.status).toBe(SERIAL_OK);
    const cmd_seq = host.seq;
    expect(host.one({ type: 'data', cmd_seq, block_index: 0, data: data.subarray(0, 8 * 512) })).toMatchObject({
      type: 'data_ack',
      cmd_seq,
      next_block: 8,
      status: SERIAL_OK,
    });
    expect(host.one({ type: 'data', cmd_seq, block_index: 8, data: data.subarray(8 * 512) })).toMatchObject({
      type: 'data_end',
      cmd_seq,
      status: SERIAL_OK,
      blocks_done: 16,
      crc: crc32(data),
    });
    expect(card.busy).toBe(false); // WAIT_BUSY: DATA_END only after programming
    expect(card.state).toBe('tran');
    const stored = new Uint8Array(16 * 512);
    user.read(0x1000 * 512, stored);
    expect(Array.from(stored)).toEqual(Array.from(data));
    const before = new Uint8Array(512);
    user.read(0xfff * 512, before);
    expect(before.every((b) => b === 0)).toBe(true);

    // Open-ended CMD18: the device stops the card itself.
    const rd = host.send({ type: 'cmd', opcode: 18, rsp_type: RSP_R1, flags: CMD_DATA_READ, arg: 0x1000, blksz: 512, blocks: 16, busy_timeout_ms: 0 });
    expect(rd.map((r) => r.type)).toEqual(['cmd_resp', 'data', 'data', 'data_end']);
    expect(rd.every((r) => r.seq === host.seq)).toBe(true);
    const got = new Uint8Array(16 * 512);
    for (const r of rd) if (r.type === 'data') {
      expect(r.cmd_seq).toBe(host.seq);
      got.set(r.data, r.block_index * 512);
    }
    expect(Array.from(got)).toEqual(Array.from(data));
    expect(rd[3]).toMatchObject({ type: 'data_end', status: SERIAL_OK, blocks_done: 16, crc: crc32(data) });
    expect(card.state).toBe('tran');
  });

  it('answers a duplicate DATA from the cache without writing the card again', () => {
    const { host, clock, user } = make();
    host.bring_up(clock);
    host.cmd(23, RSP_R1, 16);
    host.one(write_cmd(0x2000, 16));
    const cmd_seq = host.seq;
    const data = pattern(16, 9);
    const first = host.frame({ type: 'data', cmd_seq, block_index: 0, data: data.subarray(0, 8 * 512) });
    const seq = host.seq;
    const writes0 = user.writes;
    const a = host.dev.receive(first);
    const writes1 = user.writes;
    expect(writes1).toBeGreaterThan(writes0);
    // DATA_ACK lost: the host resends the identical request with RETRANSMIT.
    const again = host.frame({ type: 'data', cmd_seq, block_index: 0, data: data.subarray(0, 8 * 512) }, seq, FRAME_RETRANSMIT);
    const b = host.dev.receive(again);
    expect(b.map((f) => Array.from(f))).toEqual(a.map((f) => Array.from(f)));
    expect(user.writes).toBe(writes1);
    expect(host.dev.counters.duplicates).toBe(1);
    expect(host.dev.counters.blocks_written).toBe(8);
    // Not re-executed: a re-execution would have been a SEQUENCE error (block 8 expected).
    expect(host.feed(again)).toMatchObject([{ type: 'data_ack', next_block: 8, status: SERIAL_OK }]);
    const end = host.one({ type: 'data', cmd_seq, block_index: 8, data: data.subarray(8 * 512) });
    expect(end).toMatchObject({ type: 'data_end', status: SERIAL_OK, blocks_done: 16 });
    const stored = new Uint8Array(16 * 512);
    user.read(0x2000 * 512, stored);
    expect(Array.from(stored)).toEqual(Array.from(data));
  });

  it('replays a small read stream from the cache and answers NO_REPLAY for one too large to keep', () => {
    const { host, clock, card } = make();
    host.bring_up(clock);
    const small = host.frame({ type: 'cmd', opcode: 17, rsp_type: RSP_R1, flags: CMD_DATA_READ, arg: 5, blksz: 512, blocks: 1, busy_timeout_ms: 0 });
    const a = host.dev.receive(small);
    expect(a).toHaveLength(3);
    expect(host.dev.receive(small)).toEqual(a);
    expect(host.dev.counters.blocks_read).toBe(1);
    const big = host.frame({ type: 'cmd', opcode: 18, rsp_type: RSP_R1, flags: CMD_DATA_READ, arg: 0, blksz: 512, blocks: 128, busy_timeout_ms: 0 });
    expect(host.dev.receive(big)).toHaveLength(1 + 16 + 1);
    expect(host.feed(big)).toMatchObject([{ type: 'error', code: SERIAL_NO_REPLAY, ref_type: MSG_CMD }]);
    expect(host.dev.counters.blocks_read).toBe(129);
    expect(card.state).toBe('tran');
  });
});

describe('BridgeDevice on a noisy line', () => {
  it('skips garbage, a corrupted frame and an oversize header, and serves the next request', () => {
    const { host, clock, dev } = make();
    host.bring_up(clock);
    const status13 = host.frame({ type: 'cmd', opcode: 13, rsp_type: RSP_R1, flags: 0, arg: RCA << 16, blksz: 0, blocks: 0, busy_timeout_ms: 0 });
    const corrupt = status13.slice();
    corrupt[10] ^= 0x40;
    const oversize = hex('a5 5a 04 00 63 00 ff ff');
    const next = host.frame({ type: 'cmd', opcode: 13, rsp_type: RSP_R1, flags: 0, arg: RCA << 16, blksz: 0, blocks: 0, busy_timeout_ms: 0 });
    const line = new Uint8Array([...hex('00 ff 13 a5 37'), ...corrupt, ...oversize, ...hex('5a 5a'), ...next]);
    const replies: reply[] = [];
    for (let i = 0; i < line.length; i += 7) replies.push(...host.feed(line.subarray(i, i + 7)));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: 'cmd_resp', status: SERIAL_OK, seq: host.seq });
    expect((host.resp(replies[0]!).resp[0] >>> 9) & 0xf).toBe(4); // tran
    expect(dev.counters.bad_crc).toBe(1);
    expect(dev.counters.oversize).toBe(1);
    expect(dev.counters.garbage_bytes).toBeGreaterThanOrEqual(7);
  });

  it('answers malformed payloads with MALFORMED and unknown types with UNSUPPORTED', () => {
    const { host, dev } = make();
    const { payload } = encode_message({ type: 'cmd', opcode: 13, rsp_type: RSP_R1, flags: 0, arg: 0, blksz: 0, blocks: 0, busy_timeout_ms: 0 });
    payload[3] = 1; // reserved
    expect(host.feed(encode_frame(MSG_CMD, ++host.seq, 0, payload))).toMatchObject([{ type: 'error', code: SERIAL_MALFORMED, ref_type: MSG_CMD }]);
    expect(host.feed(encode_frame(MSG_CMD, ++host.seq, 0, payload.subarray(0, 15)))).toMatchObject([{ type: 'error', code: SERIAL_MALFORMED }]);
    expect(host.feed(encode_frame(0x42, ++host.seq, 0, new Uint8Array(3)))).toMatchObject([{ type: 'error', code: SERIAL_UNSUPPORTED, ref_type: 0x42 }]);
    expect(host.feed(encode_frame(MSG_ACK, ++host.seq, 0, new Uint8Array(4)))).toMatchObject([{ type: 'error', code: SERIAL_UNSUPPORTED }]);
    expect(dev.counters.malformed).toBe(2);
    expect(dev.counters.unsupported).toBe(2);
  });
});

describe('BridgeDevice never reports success for data that did not reach the card', () => {
  it('leaves a write whose data stops half-way open, refuses new CMDs, and ends it on ABORT without DATA_END', () => {
    const { host, clock, user, card } = make();
    host.bring_up(clock);
    host.cmd(23, RSP_R1, 16);
    host.one(write_cmd(0x3000, 16));
    const cmd_seq = host.seq;
    const data = pattern(16, 1);
    const seen: reply[] = [];
    seen.push(host.one({ type: 'data', cmd_seq, block_index: 0, data: data.subarray(0, 8 * 512) }));
    // The rest never comes. The transfer stays open, nothing claims completion.
    seen.push(host.cmd(13, RSP_R1, RCA << 16));
    expect(seen[1]).toMatchObject({ type: 'error', code: SERIAL_BUSY });
    const st = host.one({ type: 'status' });
    expect(st).toMatchObject({ type: 'status_resp', state: STATE_DATA_OUT, cmd_seq, blocks_done: 8 });
    // A DATA skipping ahead is a SEQUENCE error, the transfer stays where it was.
    seen.push(host.one({ type: 'data', cmd_seq, block_index: 12, data: data.subarray(12 * 512) }));
    expect(seen[2]).toMatchObject({ type: 'error', code: SERIAL_SEQUENCE, detail: 8 });
    seen.push(host.one({ type: 'abort' }));
    expect(seen[3]).toMatchObject({ type: 'ack', ref_type: 0x07 });
    // Too late: the transfer is gone.
    seen.push(host.one({ type: 'data', cmd_seq, block_index: 8, data: data.subarray(8 * 512) }));
    expect(seen[4]).toMatchObject({ type: 'error', code: SERIAL_SEQUENCE });
    expect(seen.some((r) => r.type === 'data_end')).toBe(false);
    expect(card.state).toBe('tran');
    const tail = new Uint8Array(8 * 512);
    user.read((0x3000 + 8) * 512, tail);
    expect(tail.every((b) => b === 0)).toBe(true);
  });

  it('ends a write the card stops taking (end of the user area) with an error DATA_END, never OK', () => {
    const { host, clock, card } = make();
    host.bring_up(clock);
    const last = card.sectorMode ? 8 * 1024 ** 3 / 512 - 2 : 0;
    host.one(write_cmd(last, 4, CMD_DATA_WRITE)); // open-ended CMD25 over the end
    const cmd_seq = host.seq;
    const r = host.one({ type: 'data', cmd_seq, block_index: 0, data: pattern(4, 0) });
    expect(r.type).toBe('data_end');
    if (r.type !== 'data_end') return;
    expect(r.status).not.toBe(SERIAL_OK);
    expect(r.blocks_done).toBe(2);
    clock.advance_to(card.busyUntil);
    expect(card.state).toBe('tran');
  });
});

describe('BridgeDevice negotiation and busy polling', () => {
  it('sends read streams in frames no larger than the negotiated max_payload', () => {
    const { host, clock } = make();
    host.bring_up(clock);
    host.one({ type: 'hello', version: 1, max_payload: 516 });
    const rd = host.send({ type: 'cmd', opcode: 18, rsp_type: RSP_R1, flags: CMD_DATA_READ, arg: 0, blksz: 512, blocks: 4, busy_timeout_ms: 0 });
    expect(rd.map((r) => r.type)).toEqual(['cmd_resp', 'data', 'data', 'data', 'data', 'data_end']);
    expect(rd.filter((r) => r.type === 'data').map((r) => (r.type === 'data' ? r.block_index : -1))).toEqual([0, 1, 2, 3]);
  });

  it('reports the card holding DAT0 after a CMD6 without WAIT_BUSY until programming ends (6.5)', () => {
    const { host, clock, card } = make();
    host.bring_up(clock);
    expect(host.resp(host.cmd(6, RSP_R1B, 0x03b90100)).status).toBe(SERIAL_OK);
    expect(card.busy).toBe(true);
    expect(host.one({ type: 'status' })).toMatchObject({ type: 'status_resp', state: 4, dat0_busy: true, powered: true, card_present: true });
    clock.advance_to(card.busyUntil);
    expect(host.one({ type: 'status' })).toMatchObject({ type: 'status_resp', state: 0, dat0_busy: false });
  });
});
