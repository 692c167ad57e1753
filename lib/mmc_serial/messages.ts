// SPDX-License-Identifier: GPL-2.0
// Typed mmc_serial messages (docs/serial-protocol.md §5): encode_message() to a frame type and
// payload, decode_message() validating every length and field and returning { error } if malformed.

import { MAX_PAYLOAD } from './frame.ts';

export const MSG_HELLO = 0x01;
export const MSG_POWER = 0x02;
export const MSG_SET_IOS = 0x03;
export const MSG_CMD = 0x04;
export const MSG_DATA = 0x05;
export const MSG_STATUS = 0x06;
export const MSG_ABORT = 0x07;
export const MSG_ACK = 0x80;
export const MSG_HELLO_ACK = 0x81;
export const MSG_CMD_RESP = 0x84;
export const MSG_DATA_ACK = 0x85;
export const MSG_DATA_END = 0x86;
export const MSG_STATUS_RESP = 0x87;
export const MSG_ERROR = 0x8f;

export const PROTOCOL_VERSION = 1;
export const MIN_MAX_PAYLOAD = 516;

export const POWER_OFF = 0;
export const POWER_ON = 1;
export const POWER_CYCLE = 2;

export const TIMING_LEGACY = 0;
export const TIMING_MMC_HS = 1;
export const TIMING_SD_HS = 2;
export const TIMING_MMC_DDR52 = 3;
export const TIMING_MMC_HS200 = 4;
export const TIMING_MMC_HS400 = 5;

export const IOS_POWER_OFF = 0;
export const IOS_POWER_UP = 1;
export const IOS_POWER_ON = 2;

export const RSP_NONE = 0;
export const RSP_R1 = 1;
export const RSP_R1B = 2;
export const RSP_R2 = 3;
export const RSP_R3 = 4;
export const RSP_R4 = 5;
export const RSP_R5 = 6;
export const RSP_R6 = 7;
export const RSP_R7 = 8;

export const CMD_WAIT_BUSY = 1 << 0;
export const CMD_DATA_READ = 1 << 1;
export const CMD_DATA_WRITE = 1 << 2;

export const CAP_BUSY_POLL = 1 << 0;
export const CAP_POWER_CYCLE = 1 << 1;
export const CAP_CARD_DETECT = 1 << 2;

export const BUS_WIDTH_1 = 1 << 0;
export const BUS_WIDTH_4 = 1 << 1;
export const BUS_WIDTH_8 = 1 << 2;

export const STATE_IDLE = 0;
export const STATE_CMD = 1;
export const STATE_DATA_IN = 2;
export const STATE_DATA_OUT = 3;
export const STATE_BUSY = 4;

export type serial_message =
  | { type: 'hello'; version: number; max_payload: number }
  | { type: 'power'; op: number }
  | { type: 'set_ios'; clock_hz: number; bus_width: number; timing: number; power_mode: number }
  | {
      type: 'cmd';
      opcode: number;
      rsp_type: number;
      flags: number;
      arg: number;
      blksz: number;
      blocks: number;
      busy_timeout_ms: number;
    }
  | { type: 'data'; cmd_seq: number; block_index: number; data: Uint8Array }
  | { type: 'status' }
  | { type: 'abort' }
  | { type: 'ack'; ref_type: number }
  | {
      type: 'hello_ack';
      version: number;
      max_payload: number;
      max_blocks: number;
      block_sizes: number;
      bus_widths: number;
      caps: number;
      max_clock_hz: number;
    }
  | { type: 'cmd_resp'; status: number; resp: [number, number, number, number] }
  | { type: 'data_ack'; cmd_seq: number; next_block: number; status: number }
  | { type: 'data_end'; cmd_seq: number; status: number; blocks_done: number; crc: number }
  | {
      type: 'status_resp';
      state: number;
      card_present: boolean;
      dat0_busy: boolean;
      powered: boolean;
      cmd_seq: number;
      blocks_done: number;
    }
  | { type: 'error'; code: number; ref_type: number; detail: number };

export type decode_result = serial_message | { error: string };

/** CMD @opcode with response @rsp_type: no data and no busy wait unless @extra says so. */
export const cmd_message = (opcode: number, rsp_type: number, arg = 0, extra: Partial<Extract<serial_message, { type: 'cmd' }>> = {}): serial_message => ({
  type: 'cmd',
  opcode,
  rsp_type,
  flags: 0,
  arg,
  blksz: 0,
  blocks: 0,
  busy_timeout_ms: 0,
  ...extra,
});

const TYPE_CODE: Record<serial_message['type'], number> = {
  hello: MSG_HELLO,
  power: MSG_POWER,
  set_ios: MSG_SET_IOS,
  cmd: MSG_CMD,
  data: MSG_DATA,
  status: MSG_STATUS,
  abort: MSG_ABORT,
  ack: MSG_ACK,
  hello_ack: MSG_HELLO_ACK,
  cmd_resp: MSG_CMD_RESP,
  data_ack: MSG_DATA_ACK,
  data_end: MSG_DATA_END,
  status_resp: MSG_STATUS_RESP,
  error: MSG_ERROR,
};

const FIXED_LEN: Record<number, number> = {
  [MSG_HELLO]: 4,
  [MSG_POWER]: 4,
  [MSG_SET_IOS]: 8,
  [MSG_CMD]: 16,
  [MSG_STATUS]: 0,
  [MSG_ABORT]: 0,
  [MSG_ACK]: 4,
  [MSG_HELLO_ACK]: 16,
  [MSG_CMD_RESP]: 20,
  [MSG_DATA_ACK]: 8,
  [MSG_DATA_END]: 12,
  [MSG_STATUS_RESP]: 8,
  [MSG_ERROR]: 4,
};

export function message_type_code(type: serial_message['type']): number {
  return TYPE_CODE[type];
}

/** Payload bytes of @m on the wire, without encoding it. */
export function message_length(m: serial_message): number {
  return m.type === 'data' ? 4 + m.data.length : FIXED_LEN[TYPE_CODE[m.type]]!;
}

function put(len: number, fill: (dv: DataView, u8: Uint8Array) => void): Uint8Array {
  const u8 = new Uint8Array(len);
  fill(new DataView(u8.buffer), u8);
  return u8;
}

/** Encode a message; field values are masked to their wire width, so validate before sending. */
export function encode_message(m: serial_message): { type: number; payload: Uint8Array } {
  const type = TYPE_CODE[m.type];
  let payload: Uint8Array;
  switch (m.type) {
    case 'hello':
      payload = put(4, (dv) => {
        dv.setUint16(0, m.version, true);
        dv.setUint16(2, m.max_payload, true);
      });
      break;
    case 'power':
      payload = put(4, (dv) => dv.setUint8(0, m.op));
      break;
    case 'set_ios':
      payload = put(8, (dv) => {
        dv.setUint32(0, m.clock_hz, true);
        dv.setUint8(4, m.bus_width);
        dv.setUint8(5, m.timing);
        dv.setUint8(6, m.power_mode);
      });
      break;
    case 'cmd':
      payload = put(16, (dv) => {
        dv.setUint8(0, m.opcode);
        dv.setUint8(1, m.rsp_type);
        dv.setUint8(2, m.flags);
        dv.setUint32(4, m.arg >>> 0, true);
        dv.setUint16(8, m.blksz, true);
        dv.setUint16(10, m.blocks, true);
        dv.setUint32(12, m.busy_timeout_ms, true);
      });
      break;
    case 'data':
      payload = put(4 + m.data.length, (dv, u8) => {
        dv.setUint16(0, m.cmd_seq, true);
        dv.setUint16(2, m.block_index, true);
        u8.set(m.data, 4);
      });
      break;
    case 'status':
    case 'abort':
      payload = new Uint8Array(0);
      break;
    case 'ack':
      payload = put(4, (dv) => dv.setUint8(0, m.ref_type));
      break;
    case 'hello_ack':
      payload = put(16, (dv) => {
        dv.setUint16(0, m.version, true);
        dv.setUint16(2, m.max_payload, true);
        dv.setUint16(4, m.max_blocks, true);
        dv.setUint16(6, m.block_sizes, true);
        dv.setUint8(8, m.bus_widths);
        dv.setUint8(9, m.caps);
        dv.setUint32(12, m.max_clock_hz, true);
      });
      break;
    case 'cmd_resp':
      payload = put(20, (dv) => {
        dv.setUint8(0, m.status);
        for (let i = 0; i < 4; i++) dv.setUint32(4 + 4 * i, m.resp[i]! >>> 0, true);
      });
      break;
    case 'data_ack':
      payload = put(8, (dv) => {
        dv.setUint16(0, m.cmd_seq, true);
        dv.setUint16(2, m.next_block, true);
        dv.setUint8(4, m.status);
      });
      break;
    case 'data_end':
      payload = put(12, (dv) => {
        dv.setUint16(0, m.cmd_seq, true);
        dv.setUint8(2, m.status);
        dv.setUint16(4, m.blocks_done, true);
        dv.setUint32(8, m.crc >>> 0, true);
      });
      break;
    case 'status_resp':
      payload = put(8, (dv) => {
        dv.setUint8(0, m.state);
        dv.setUint8(1, m.card_present ? 1 : 0);
        dv.setUint8(2, m.dat0_busy ? 1 : 0);
        dv.setUint8(3, m.powered ? 1 : 0);
        dv.setUint16(4, m.cmd_seq, true);
        dv.setUint16(6, m.blocks_done, true);
      });
      break;
    case 'error':
      payload = put(4, (dv) => {
        dv.setUint8(0, m.code);
        dv.setUint8(1, m.ref_type);
        dv.setUint16(2, m.detail, true);
      });
      break;
  }
  return { type, payload };
}

const is_pow2 = (v: number) => v > 0 && (v & (v - 1)) === 0;
const is_bool = (v: number) => v === 0 || v === 1;

/** Decode and validate a payload; malformed input yields { error } naming the message and field. */
export function decode_message(type: number, payload: Uint8Array): decode_result {
  const name = (Object.keys(TYPE_CODE) as serial_message['type'][]).find((k) => TYPE_CODE[k] === type);
  if (name === undefined) return { error: `unknown message type 0x${type.toString(16).padStart(2, '0')}` };
  const fixed = FIXED_LEN[type];
  if (fixed !== undefined && payload.length !== fixed)
    return { error: `${name}: payload is ${payload.length} bytes, expected ${fixed}` };
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const u8 = (o: number) => dv.getUint8(o);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const bad = (field: string, why: string) => ({ error: `${name}: ${field} ${why}` });
  const reserved = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (payload[i] !== 0) return bad(`reserved byte ${i}`, `is 0x${payload[i]!.toString(16)}, must be 0`);
    return undefined;
  };

  switch (type) {
    case MSG_HELLO: {
      const version = u16(0);
      const max_payload = u16(2);
      if (version === 0) return bad('version', 'is 0');
      if (max_payload < MIN_MAX_PAYLOAD || max_payload > MAX_PAYLOAD)
        return bad('max_payload', `${max_payload} outside ${MIN_MAX_PAYLOAD}..${MAX_PAYLOAD}`);
      return { type: 'hello', version, max_payload };
    }
    case MSG_POWER: {
      const op = u8(0);
      if (op > POWER_CYCLE) return bad('op', `${op} is not OFF(0), ON(1) or CYCLE(2)`);
      return reserved(1, 4) ?? { type: 'power', op };
    }
    case MSG_SET_IOS: {
      const bus_width = u8(4);
      const timing = u8(5);
      const power_mode = u8(6);
      if (bus_width !== 1 && bus_width !== 4 && bus_width !== 8) return bad('bus_width', `${bus_width} is not 1, 4 or 8`);
      if (timing > TIMING_MMC_HS400) return bad('timing', `${timing} is unknown`);
      if (power_mode > IOS_POWER_ON) return bad('power_mode', `${power_mode} is unknown`);
      return reserved(7, 8) ?? { type: 'set_ios', clock_hz: u32(0), bus_width, timing, power_mode };
    }
    case MSG_CMD: {
      const opcode = u8(0);
      const rsp_type = u8(1);
      const flags = u8(2);
      const blksz = u16(8);
      const blocks = u16(10);
      if (opcode > 63) return bad('opcode', `${opcode} exceeds 63`);
      if (rsp_type > RSP_R7) return bad('rsp_type', `${rsp_type} is unknown`);
      if (flags & ~(CMD_WAIT_BUSY | CMD_DATA_READ | CMD_DATA_WRITE)) return bad('flags', `0x${flags.toString(16)} has reserved bits`);
      const dir = flags & (CMD_DATA_READ | CMD_DATA_WRITE);
      if (dir === (CMD_DATA_READ | CMD_DATA_WRITE)) return bad('flags', 'set both DATA_READ and DATA_WRITE');
      if (dir !== 0 && (blocks === 0 || !is_pow2(blksz))) return bad('blksz/blocks', `${blksz}x${blocks} invalid for a data command`);
      if (dir === 0 && (blocks !== 0 || blksz !== 0)) return bad('blksz/blocks', 'must be 0 without a data direction');
      return (
        reserved(3, 4) ?? {
          type: 'cmd',
          opcode,
          rsp_type,
          flags,
          arg: u32(4),
          blksz,
          blocks,
          busy_timeout_ms: u32(12),
        }
      );
    }
    case MSG_DATA: {
      if (payload.length < 5) return bad('payload', `is ${payload.length} bytes, need 4 + at least one data byte`);
      if (payload.length > MAX_PAYLOAD) return bad('payload', `is ${payload.length} bytes, exceeds ${MAX_PAYLOAD}`);
      return { type: 'data', cmd_seq: u16(0), block_index: u16(2), data: payload.slice(4) };
    }
    case MSG_STATUS:
      return { type: 'status' };
    case MSG_ABORT:
      return { type: 'abort' };
    case MSG_ACK:
      return reserved(1, 4) ?? { type: 'ack', ref_type: u8(0) };
    case MSG_HELLO_ACK: {
      const version = u16(0);
      const max_payload = u16(2);
      const max_blocks = u16(4);
      const block_sizes = u16(6);
      const bus_widths = u8(8);
      const caps = u8(9);
      if (version === 0) return bad('version', 'is 0');
      if (max_payload < MIN_MAX_PAYLOAD || max_payload > MAX_PAYLOAD)
        return bad('max_payload', `${max_payload} outside ${MIN_MAX_PAYLOAD}..${MAX_PAYLOAD}`);
      if (max_blocks === 0) return bad('max_blocks', 'is 0');
      if (block_sizes === 0) return bad('block_sizes', 'is empty');
      if (bus_widths === 0 || bus_widths & ~7) return bad('bus_widths', `0x${bus_widths.toString(16)} is invalid`);
      if (caps & ~7) return bad('caps', `0x${caps.toString(16)} has reserved bits`);
      return (
        reserved(10, 12) ?? {
          type: 'hello_ack',
          version,
          max_payload,
          max_blocks,
          block_sizes,
          bus_widths,
          caps,
          max_clock_hz: u32(12),
        }
      );
    }
    case MSG_CMD_RESP:
      return reserved(1, 4) ?? { type: 'cmd_resp', status: u8(0), resp: [u32(4), u32(8), u32(12), u32(16)] };
    case MSG_DATA_ACK:
      return reserved(5, 8) ?? { type: 'data_ack', cmd_seq: u16(0), next_block: u16(2), status: u8(4) };
    case MSG_DATA_END:
      return (
        reserved(3, 4) ??
        reserved(6, 8) ?? { type: 'data_end', cmd_seq: u16(0), status: u8(2), blocks_done: u16(4), crc: u32(8) }
      );
    case MSG_STATUS_RESP: {
      const state = u8(0);
      if (state > STATE_BUSY) return bad('state', `${state} is unknown`);
      for (const [o, f] of [[1, 'card_present'], [2, 'dat0_busy'], [3, 'powered']] as const)
        if (!is_bool(u8(o))) return bad(f, `is ${u8(o)}, must be 0 or 1`);
      return {
        type: 'status_resp',
        state,
        card_present: u8(1) === 1,
        dat0_busy: u8(2) === 1,
        powered: u8(3) === 1,
        cmd_seq: u16(4),
        blocks_done: u16(6),
      };
    }
    case MSG_ERROR: {
      const code = u8(0);
      if (code === 0) return bad('code', 'is 0 (OK) in an ERROR');
      return { type: 'error', code, ref_type: u8(1), detail: u16(2) };
    }
  }
  return { error: `${name}: no decoder` };
}
