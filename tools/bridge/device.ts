// SPDX-License-Identifier: GPL-2.0
// The device end of the mmc_serial protocol (docs/serial-protocol.md) over an EmmcCard: bytes in,
// reply frames out, synchronous and transport-free; duplicate cache and link counters included.
import type { EmmcCard } from '../../hw/sd/emmc.ts';
import {
  SERIAL_BUSY,
  SERIAL_CRC,
  SERIAL_ILLEGAL,
  SERIAL_MALFORMED,
  SERIAL_NO_REPLAY,
  SERIAL_OK,
  SERIAL_POWERED_OFF,
  SERIAL_SEQUENCE,
  SERIAL_TIMEOUT,
  SERIAL_UNSUPPORTED,
} from '../../lib/mmc_serial/errors.ts';
import { FRAME_FROM_DEVICE, FrameDecoder, MAX_PAYLOAD, encode_frame } from '../../lib/mmc_serial/frame.ts';
import {
  BUS_WIDTH_1,
  BUS_WIDTH_4,
  BUS_WIDTH_8,
  CAP_BUSY_POLL,
  CAP_POWER_CYCLE,
  CMD_DATA_READ,
  CMD_DATA_WRITE,
  CMD_WAIT_BUSY,
  IOS_POWER_OFF,
  MSG_ABORT,
  MSG_CMD,
  MSG_DATA,
  MSG_HELLO,
  MSG_POWER,
  MSG_SET_IOS,
  MSG_STATUS,
  POWER_CYCLE,
  POWER_OFF,
  PROTOCOL_VERSION,
  RSP_NONE,
  RSP_R2,
  STATE_BUSY,
  STATE_DATA_OUT,
  STATE_IDLE,
  TIMING_LEGACY,
  TIMING_MMC_DDR52,
  TIMING_MMC_HS,
  decode_message,
  encode_message,
  type serial_message,
} from '../../lib/mmc_serial/messages.ts';
import { type bridge_clock, read_blocks, stop_transmission, wait_busy, type write_transfer, write_blocks } from './device_data.ts';

export type { bridge_clock } from './device_data.ts';

/** What the device advertises in HELLO_ACK. */
export const DEVICE_MAX_BLOCKS = 128;
export const DEVICE_BLOCK_SIZES = 0x0200;
export const DEVICE_BUS_WIDTHS = BUS_WIDTH_1 | BUS_WIDTH_4 | BUS_WIDTH_8;
export const DEVICE_CAPS = CAP_BUSY_POLL | CAP_POWER_CYCLE;
export const DEVICE_MAX_CLOCK_HZ = 52_000_000;
/** A read stream larger than this (frame bytes) is not cached: its duplicate gets NO_REPLAY. */
export const READ_CACHE_BYTES = 64 * 1024;
/** POWER CYCLE: off for this long (ns). */
const POWER_OFF_NS = 10_000_000;

const HOST_TYPES = new Set([MSG_HELLO, MSG_POWER, MSG_SET_IOS, MSG_CMD, MSG_DATA, MSG_STATUS, MSG_ABORT]);
const SUPPORTED_TIMINGS = new Set([TIMING_LEGACY, TIMING_MMC_HS, TIMING_MMC_DDR52]);

/** Link and protocol diagnostics. */
export interface bridge_counters {
  garbage_bytes: number;
  bad_crc: number;
  oversize: number;
  frames: number;
  duplicates: number;
  malformed: number;
  unsupported: number;
  /** DATA blocks handed to the card (what a duplicate must not repeat). */
  blocks_written: number;
  blocks_read: number;
}

type cmd_msg = Extract<serial_message, { type: 'cmd' }>;

export class BridgeDevice {
  readonly counters: bridge_counters = {
    garbage_bytes: 0,
    bad_crc: 0,
    oversize: 0,
    frames: 0,
    duplicates: 0,
    malformed: 0,
    unsupported: 0,
    blocks_written: 0,
    blocks_read: 0,
  };
  /** Negotiated by HELLO: min(host, device) maximum payload. */
  max_payload = MAX_PAYLOAD;
  /** Clock programmed by SET_IOS (Hz), bus width and timing (informational: the model has no bus). */
  ios = { clock_hz: 0, bus_width: 1, timing: TIMING_LEGACY };

  private readonly decoder = new FrameDecoder();
  private last: { seq: number; type: number; replies: Uint8Array[] | null } | null = null;
  private transfer: write_transfer | null = null;
  private data_cmd_seq = 0;
  private data_blocks_done = 0;

  constructor(
    readonly card: EmmcCard,
    readonly clock: bridge_clock,
  ) {}

  /** Feed bytes from the link; returns the reply frames to send, in order. */
  receive(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const d of this.decoder.push(bytes)) {
      switch (d.kind) {
        case 'garbage':
          this.counters.garbage_bytes += d.bytes;
          break;
        case 'bad_crc':
          this.counters.bad_crc++;
          break;
        case 'oversize':
          this.counters.oversize++;
          break;
        case 'frame':
          this.counters.frames++;
          out.push(...this.request(d.type, d.seq, d.payload));
          break;
      }
    }
    return out;
  }

  /** One good frame: answered from the cache if a duplicate, else executed and cached. */
  private request(type: number, seq: number, payload: Uint8Array): Uint8Array[] {
    if (type !== MSG_HELLO && this.last && this.last.seq === seq && this.last.type === type) {
      this.counters.duplicates++;
      if (this.last.replies) return this.last.replies;
      return [this.frame(seq, { type: 'error', code: SERIAL_NO_REPLAY, ref_type: type, detail: 0 })];
    }
    const msgs = this.execute(type, seq, payload);
    const replies = msgs.map((m) => this.frame(seq, m));
    const size = replies.reduce((s, r) => s + r.length, 0);
    this.last = { seq, type, replies: replies.length > 1 && size > READ_CACHE_BYTES ? null : replies };
    return replies;
  }

  private frame(seq: number, m: serial_message): Uint8Array {
    const { type, payload } = encode_message(m);
    return encode_frame(type, seq, FRAME_FROM_DEVICE, payload);
  }

  private execute(type: number, seq: number, payload: Uint8Array): serial_message[] {
    const error = (code: number, detail = 0): serial_message[] => [{ type: 'error', code, ref_type: type, detail }];
    if (!HOST_TYPES.has(type)) {
      this.counters.unsupported++;
      return error(SERIAL_UNSUPPORTED);
    }
    const m = decode_message(type, payload);
    if ('error' in m) {
      this.counters.malformed++;
      return error(SERIAL_MALFORMED);
    }
    switch (m.type) {
      case 'hello':
        this.abort_transfer();
        this.last = null;
        this.max_payload = Math.min(m.max_payload, MAX_PAYLOAD);
        return [
          {
            type: 'hello_ack',
            version: PROTOCOL_VERSION,
            max_payload: MAX_PAYLOAD,
            max_blocks: DEVICE_MAX_BLOCKS,
            block_sizes: DEVICE_BLOCK_SIZES,
            bus_widths: DEVICE_BUS_WIDTHS,
            caps: DEVICE_CAPS,
            max_clock_hz: DEVICE_MAX_CLOCK_HZ,
          },
        ];
      case 'power':
        this.abort_transfer();
        if (m.op === POWER_OFF || m.op === POWER_CYCLE) this.card.setPower(false);
        if (m.op === POWER_CYCLE) this.clock.advance_to(this.clock.now + POWER_OFF_NS);
        if (m.op !== POWER_OFF) this.card.setPower(true);
        return [{ type: 'ack', ref_type: type }];
      case 'set_ios':
        if (!SUPPORTED_TIMINGS.has(m.timing)) return error(SERIAL_UNSUPPORTED, m.timing);
        this.ios = { clock_hz: Math.min(m.clock_hz, DEVICE_MAX_CLOCK_HZ), bus_width: m.bus_width, timing: m.timing };
        if (m.power_mode === IOS_POWER_OFF) {
          this.abort_transfer();
          this.card.setPower(false);
        } else this.card.setPower(true);
        return [{ type: 'ack', ref_type: type }];
      case 'cmd':
        if (this.transfer) return error(SERIAL_BUSY, m.opcode);
        return this.command(seq, m);
      case 'data':
        return this.data(m.cmd_seq, m.block_index, m.data, error);
      case 'status':
        return [
          {
            type: 'status_resp',
            state: this.transfer ? STATE_DATA_OUT : this.card.busy ? STATE_BUSY : STATE_IDLE,
            card_present: true,
            dat0_busy: this.card.busy,
            powered: this.card.powered,
            cmd_seq: this.data_cmd_seq,
            blocks_done: this.data_blocks_done,
          },
        ];
      case 'abort':
        this.abort_transfer();
        if (this.card.powered && (this.card.state === 'rcv' || this.card.state === 'data')) stop_transmission(this.card);
        wait_busy(this.card, this.clock, 0);
        return [{ type: 'ack', ref_type: type }];
      default:
        this.counters.unsupported++;
        return error(SERIAL_UNSUPPORTED);
    }
  }

  /** End an open write (ABORT, POWER, HELLO): the card is stopped, later DATA gets SEQUENCE. */
  private abort_transfer(): void {
    if (!this.transfer) return;
    const t = this.transfer;
    this.transfer = null;
    this.data_blocks_done = t.next;
    if (this.card.powered && this.card.state === 'rcv') stop_transmission(this.card);
  }

  private command(seq: number, m: cmd_msg): serial_message[] {
    const resp = (status: number, words: number[] = [0, 0, 0, 0]): serial_message => ({
      type: 'cmd_resp',
      status,
      resp: [words[0]!, words[1]!, words[2]!, words[3]!],
    });
    const dir = m.flags & (CMD_DATA_READ | CMD_DATA_WRITE);
    if (dir) {
      if (!(DEVICE_BLOCK_SIZES & m.blksz)) return [{ type: 'error', code: SERIAL_UNSUPPORTED, ref_type: MSG_CMD, detail: m.blksz }];
      if (m.blocks > DEVICE_MAX_BLOCKS) return [{ type: 'error', code: SERIAL_MALFORMED, ref_type: MSG_CMD, detail: m.blocks }];
    }
    if (!this.card.powered) return [resp(SERIAL_POWERED_OFF)];
    const open_ended = (m.opcode === 18 || m.opcode === 25) && !this.card.blockCountPending;
    const r = this.card.command(m.opcode, m.arg >>> 0);
    let words = [0, 0, 0, 0];
    if (m.rsp_type !== RSP_NONE) {
      if (r.kind === 'none') return [resp(SERIAL_TIMEOUT)];
      if ((m.rsp_type === RSP_R2) !== (r.kind === 'long')) return [resp(SERIAL_CRC)];
      if (r.kind === 'long') words = [r.words[0], r.words[1], r.words[2], (r.words[3] & 0xffffff00) >>> 0];
      else if (r.kind === 'short') words = [r.word >>> 0, 0, 0, 0];
    }
    if (!dir) {
      if (m.flags & CMD_WAIT_BUSY && !wait_busy(this.card, this.clock, m.busy_timeout_ms)) return [resp(SERIAL_TIMEOUT, words)];
      return [resp(SERIAL_OK, words)];
    }
    this.data_cmd_seq = seq;
    this.data_blocks_done = 0;
    const state = this.card.state;
    if (dir === CMD_DATA_WRITE) {
      if (state !== 'rcv') return [resp(SERIAL_ILLEGAL, words)];
      this.transfer = {
        cmd_seq: seq,
        blksz: m.blksz,
        blocks: m.blocks,
        wait_busy: (m.flags & CMD_WAIT_BUSY) !== 0,
        busy_timeout_ms: m.busy_timeout_ms,
        open_ended,
        next: 0,
        crc: 0,
      };
      return [resp(SERIAL_OK, words)];
    }
    if (state !== 'data') return [resp(SERIAL_ILLEGAL, words)];
    const per_frame = Math.max(1, Math.floor((this.max_payload - 4) / m.blksz));
    const rd = read_blocks(this.card, m.blksz, m.blocks, per_frame, open_ended);
    this.data_blocks_done = rd.blocks_done;
    this.counters.blocks_read += rd.blocks_done;
    return [
      resp(SERIAL_OK, words),
      ...rd.chunks.map((c): serial_message => ({ type: 'data', cmd_seq: seq, block_index: c.block_index, data: c.data })),
      { type: 'data_end', cmd_seq: seq, status: rd.status, blocks_done: rd.blocks_done, crc: rd.crc },
    ];
  }

  private data(
    cmd_seq: number,
    block_index: number,
    data: Uint8Array,
    error: (code: number, detail?: number) => serial_message[],
  ): serial_message[] {
    const t = this.transfer;
    if (!t || t.cmd_seq !== cmd_seq) return error(SERIAL_SEQUENCE, t?.next ?? 0);
    if (data.length % t.blksz !== 0 || 4 + data.length > this.max_payload) {
      this.counters.malformed++;
      return error(SERIAL_MALFORMED, t.next);
    }
    if (block_index !== t.next) return error(SERIAL_SEQUENCE, t.next);
    if (block_index + data.length / t.blksz > t.blocks) {
      this.counters.malformed++;
      return error(SERIAL_MALFORMED, t.next);
    }
    const before = t.next;
    const step = write_blocks(this.card, this.clock, t, data);
    this.counters.blocks_written += t.next - before;
    this.data_blocks_done = t.next;
    if (step.kind === 'ack') return [{ type: 'data_ack', cmd_seq, next_block: step.next, status: SERIAL_OK }];
    this.transfer = null;
    return [{ type: 'data_end', cmd_seq, status: step.status, blocks_done: step.blocks_done, crc: step.crc }];
  }
}
