import { describe, expect, it } from 'vitest';
import { FrameDecoder, encode_frame } from './frame.ts';
import {
  CAP_BUSY_POLL,
  CAP_POWER_CYCLE,
  CMD_DATA_READ,
  CMD_DATA_WRITE,
  CMD_WAIT_BUSY,
  MSG_ABORT,
  MSG_ACK,
  MSG_CMD,
  MSG_CMD_RESP,
  MSG_DATA,
  MSG_DATA_ACK,
  MSG_DATA_END,
  MSG_ERROR,
  MSG_HELLO,
  MSG_HELLO_ACK,
  MSG_POWER,
  MSG_SET_IOS,
  MSG_STATUS,
  MSG_STATUS_RESP,
  POWER_CYCLE,
  RSP_R1,
  RSP_R2,
  STATE_BUSY,
  TIMING_MMC_HS200,
  IOS_POWER_ON,
  decode_message,
  encode_message,
  message_length,
  type serial_message,
} from './messages.ts';

const hex = (u: Uint8Array) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** One of every message, with values that use every byte of multi-byte fields. */
const ALL: [number, serial_message, string][] = [
  [MSG_HELLO, { type: 'hello', version: 1, max_payload: 4100 }, '01 00 04 10'],
  [MSG_POWER, { type: 'power', op: POWER_CYCLE }, '02 00 00 00'],
  [
    MSG_SET_IOS,
    { type: 'set_ios', clock_hz: 200_000_000, bus_width: 8, timing: TIMING_MMC_HS200, power_mode: IOS_POWER_ON },
    '00 c2 eb 0b 08 04 02 00',
  ],
  [
    MSG_CMD,
    { type: 'cmd', opcode: 25, rsp_type: RSP_R1, flags: CMD_DATA_WRITE | CMD_WAIT_BUSY, arg: 0x89abcdef, blksz: 512, blocks: 300, busy_timeout_ms: 0x01020304 },
    '19 01 05 00 ef cd ab 89 00 02 2c 01 04 03 02 01',
  ],
  [MSG_DATA, { type: 'data', cmd_seq: 0x1234, block_index: 0x0102, data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) }, '34 12 02 01 de ad be ef'],
  [MSG_STATUS, { type: 'status' }, ''],
  [MSG_ABORT, { type: 'abort' }, ''],
  [MSG_ACK, { type: 'ack', ref_type: MSG_SET_IOS }, '03 00 00 00'],
  [
    MSG_HELLO_ACK,
    { type: 'hello_ack', version: 1, max_payload: 4100, max_blocks: 128, block_sizes: 0x0200, bus_widths: 7, caps: CAP_BUSY_POLL | CAP_POWER_CYCLE, max_clock_hz: 52_000_000 },
    '01 00 04 10 80 00 00 02 07 03 00 00 00 75 19 03',
  ],
  [
    MSG_CMD_RESP,
    { type: 'cmd_resp', status: 2, resp: [0xc0ff8080, 0x11223344, 0x55667788, 0x99aabb00] },
    '02 00 00 00 80 80 ff c0 44 33 22 11 88 77 66 55 00 bb aa 99',
  ],
  [MSG_DATA_ACK, { type: 'data_ack', cmd_seq: 21, next_block: 8, status: 0 }, '15 00 08 00 00 00 00 00'],
  [MSG_DATA_END, { type: 'data_end', cmd_seq: 21, status: 0, blocks_done: 16, crc: 0xcbf43926 }, '15 00 00 00 10 00 00 00 26 39 f4 cb'],
  [
    MSG_STATUS_RESP,
    { type: 'status_resp', state: STATE_BUSY, card_present: true, dat0_busy: true, powered: false, cmd_seq: 0xfffe, blocks_done: 7 },
    '04 01 01 00 fe ff 07 00',
  ],
  [MSG_ERROR, { type: 'error', code: 9, ref_type: MSG_DATA, detail: 0x0108 }, '09 05 08 01'],
];

describe('messages', () => {
  it('covers every message type once', () => {
    expect(new Set(ALL.map(([, m]) => m.type)).size).toBe(14);
  });

  it.each(ALL)('message type %i encodes to the documented layout and round-trips', (code, m, bytes) => {
    const { type, payload } = encode_message(m);
    expect(type).toBe(code);
    expect(hex(payload)).toBe(bytes);
    expect(decode_message(type, payload)).toEqual(m);
    expect(message_length(m)).toBe(payload.length);
  });

  it('round-trips through frames and the decoder', () => {
    const wire = ALL.map(([, m], i) => {
      const { type, payload } = encode_message(m);
      return encode_frame(type, i, 0, payload);
    });
    const out = [];
    const d = new FrameDecoder();
    for (const w of wire) for (const b of w) out.push(...d.push(new Uint8Array([b])));
    expect(out.map((f) => (f.kind === 'frame' ? decode_message(f.type, f.payload) : f))).toEqual(ALL.map(([, m]) => m));
  });

  it('decodes from a payload that is a view into a larger buffer', () => {
    const { type, payload } = encode_message(ALL[3]![1]);
    const big = new Uint8Array(payload.length + 7);
    big.set(payload, 5);
    expect(decode_message(type, big.subarray(5, 5 + payload.length))).toEqual(ALL[3]![1]);
  });

  it('copies DATA bytes out of the payload', () => {
    const payload = new Uint8Array([1, 0, 0, 0, 9, 9]);
    const m = decode_message(MSG_DATA, payload);
    payload[4] = 0;
    expect(m).toEqual({ type: 'data', cmd_seq: 1, block_index: 0, data: new Uint8Array([9, 9]) });
  });
});

describe('decode_message rejects malformed payloads with a reason', () => {
  const with_byte = (m: serial_message, at: number, v: number) => {
    const { type, payload } = encode_message(m);
    const p = payload.slice();
    p[at] = v;
    return decode_message(type, p);
  };
  const cmd = ALL[3]![1];
  const read1 = { type: 'cmd', opcode: 17, rsp_type: RSP_R1, flags: CMD_DATA_READ, arg: 0, blksz: 512, blocks: 1, busy_timeout_ms: 0 } as const;

  it('wrong lengths for every fixed-size message', () => {
    for (const [code, m] of ALL) {
      if (m.type === 'data') continue;
      const { payload } = encode_message(m);
      const longer = new Uint8Array(payload.length + 1);
      longer.set(payload);
      expect(decode_message(code, longer)).toEqual({ error: `${m.type}: payload is ${payload.length + 1} bytes, expected ${payload.length}` });
      if (payload.length > 0)
        expect(decode_message(code, payload.subarray(1))).toEqual({ error: `${m.type}: payload is ${payload.length - 1} bytes, expected ${payload.length}` });
    }
  });

  it('unknown types and short DATA', () => {
    expect(decode_message(0x42, new Uint8Array(0))).toEqual({ error: 'unknown message type 0x42' });
    expect(decode_message(0x00, new Uint8Array(0))).toEqual({ error: 'unknown message type 0x00' });
    expect(decode_message(MSG_DATA, new Uint8Array(4))).toEqual({ error: 'data: payload is 4 bytes, need 4 + at least one data byte' });
    expect(decode_message(MSG_DATA, new Uint8Array(4101))).toEqual({ error: 'data: payload is 4101 bytes, exceeds 4100' });
  });

  it('bad field values', () => {
    expect(with_byte({ type: 'hello', version: 1, max_payload: 4100 }, 3, 0x20)).toEqual({ error: 'hello: max_payload 8196 outside 516..4100' });
    expect(with_byte({ type: 'hello', version: 1, max_payload: 4100 }, 0, 0)).toEqual({ error: 'hello: version is 0' });
    expect(with_byte({ type: 'power', op: 0 }, 0, 3)).toEqual({ error: 'power: op 3 is not OFF(0), ON(1) or CYCLE(2)' });
    expect(with_byte({ type: 'power', op: 0 }, 2, 1)).toEqual({ error: 'power: reserved byte 2 is 0x1, must be 0' });
    expect(with_byte(ALL[2]![1], 4, 2)).toEqual({ error: 'set_ios: bus_width 2 is not 1, 4 or 8' });
    expect(with_byte(ALL[2]![1], 5, 6)).toEqual({ error: 'set_ios: timing 6 is unknown' });
    expect(with_byte(ALL[2]![1], 6, 3)).toEqual({ error: 'set_ios: power_mode 3 is unknown' });
    expect(with_byte(cmd, 0, 64)).toEqual({ error: 'cmd: opcode 64 exceeds 63' });
    expect(with_byte(cmd, 1, 9)).toEqual({ error: 'cmd: rsp_type 9 is unknown' });
    expect(with_byte(cmd, 2, 0x08)).toEqual({ error: 'cmd: flags 0x8 has reserved bits' });
    expect(with_byte(cmd, 2, CMD_DATA_READ | CMD_DATA_WRITE)).toEqual({ error: 'cmd: flags set both DATA_READ and DATA_WRITE' });
    expect(with_byte(cmd, 3, 1)).toEqual({ error: 'cmd: reserved byte 3 is 0x1, must be 0' });
    expect(with_byte(read1, 10, 0)).toEqual({ error: 'cmd: blksz/blocks 512x0 invalid for a data command' });
    expect(with_byte(read1, 8, 1)).toEqual({ error: 'cmd: blksz/blocks 513x1 invalid for a data command' });
    expect(with_byte({ ...read1, flags: 0, blksz: 0, blocks: 0, rsp_type: RSP_R2 }, 10, 1)).toEqual({ error: 'cmd: blksz/blocks must be 0 without a data direction' });
    expect(with_byte(ALL[8]![1], 4, 0)).toEqual({ error: 'hello_ack: max_blocks is 0' });
    expect(with_byte(ALL[8]![1], 7, 0)).toEqual({ error: 'hello_ack: block_sizes is empty' });
    expect(with_byte(ALL[8]![1], 8, 8)).toEqual({ error: 'hello_ack: bus_widths 0x8 is invalid' });
    expect(with_byte(ALL[8]![1], 9, 0x80)).toEqual({ error: 'hello_ack: caps 0x80 has reserved bits' });
    expect(with_byte(ALL[9]![1], 1, 1)).toEqual({ error: 'cmd_resp: reserved byte 1 is 0x1, must be 0' });
    expect(with_byte(ALL[10]![1], 7, 1)).toEqual({ error: 'data_ack: reserved byte 7 is 0x1, must be 0' });
    expect(with_byte(ALL[11]![1], 6, 1)).toEqual({ error: 'data_end: reserved byte 6 is 0x1, must be 0' });
    expect(with_byte(ALL[12]![1], 0, 5)).toEqual({ error: 'status_resp: state 5 is unknown' });
    expect(with_byte(ALL[12]![1], 2, 2)).toEqual({ error: 'status_resp: dat0_busy is 2, must be 0 or 1' });
    expect(with_byte(ALL[13]![1], 0, 0)).toEqual({ error: 'error: code is 0 (OK) in an ERROR' });
    expect(with_byte({ type: 'ack', ref_type: 1 }, 3, 9)).toEqual({ error: 'ack: reserved byte 3 is 0x9, must be 0' });
  });

  it('never throws on arbitrary bytes', () => {
    let s = 99;
    for (let i = 0; i < 2000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const type = s & 0xff;
      const payload = new Uint8Array((s >>> 8) % 24).map((_, j) => (s >>> (j % 24)) & 0xff);
      const r = decode_message(type, payload);
      expect(typeof r).toBe('object');
      if ('error' in r) expect(r.error.length).toBeGreaterThan(5);
    }
  });
});
