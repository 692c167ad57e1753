// SPDX-License-Identifier: GPL-2.0
// One mmc_request over the mmc_serial link (docs/serial-protocol.md §6): CMD23, the command,
// and its data frames, each checked as the protocol demands (block order, DATA_END count and
// CRC). A generator: it yields the line time (ns) of each frame so the driver lets the virtual
// clock run between them, and a panic can land between two frames of a transfer.
import { EILSEQ, EPROTO } from '../../../include/linux/errno.h.ts';
import { MMC_DATA_READ, MMC_RSP_136, MMC_RSP_BUSY, MMC_RSP_CRC, MMC_RSP_PRESENT, type mmc_command, type mmc_data, type mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { crc32 } from '../../../lib/mmc_serial/crc.ts';
import { serial_status_to_errno } from '../../../lib/mmc_serial/errors.ts';
import { FRAME_OVERHEAD } from '../../../lib/mmc_serial/frame.ts';
import { CMD_DATA_READ, CMD_DATA_WRITE, CMD_WAIT_BUSY, RSP_NONE, RSP_R1, RSP_R1B, RSP_R2, RSP_R3, message_length, type serial_message } from '../../../lib/mmc_serial/messages.ts';
import type { exchange, mmc_serial_session } from './mmc_serial_session.ts';

/** Busy bound for a write's programming when the request gives none, ms (as mmc_blk's). */
const WRITE_BUSY_MS = 10_000;

/** Nanoseconds @bytes take on the line (10 bits a byte: start, 8 data, stop). */
export const line_ns = (baud: number, bytes: number): number => Math.ceil((bytes * 10 * 1e9) / baud);

const rsp_type = (flags: number): number => {
  if (!(flags & MMC_RSP_PRESENT)) return RSP_NONE;
  if (flags & MMC_RSP_136) return RSP_R2;
  if (flags & MMC_RSP_BUSY) return RSP_R1B;
  return flags & MMC_RSP_CRC ? RSP_R1 : RSP_R3;
};

/** @m out, the device's answer back: the time of each leg is yielded, the answer returned. */
export function* serial_exchange(s: mmc_serial_session, baud: number, m: serial_message, busy_ms = 0): Generator<number, exchange, void> {
  const out = FRAME_OVERHEAD + message_length(m);
  yield line_ns(baud, out);
  const ex = s.transact(m, busy_ms);
  yield line_ns(baud, Math.max(0, ex.wire_bytes - out)) + ex.waited_ms * 1e6;
  return ex;
}

/** How long the card may program a write (the request's data timeout, else mmc_blk's bound), ms. */
const write_busy_ms = (data: mmc_data): number => data.timeout_ns / 1e6 || WRITE_BUSY_MS;

/** Issue @cmd; false if the request cannot go on (cmd.error says why). */
function* serial_command(s: mmc_serial_session, baud: number, cmd: mmc_command, data: mmc_data | null): Generator<number, exchange | null, void> {
  const rsp = rsp_type(cmd.flags);
  const busy_ms = data ? write_busy_ms(data) : cmd.busy_timeout;
  const dir = data ? (data.flags & MMC_DATA_READ ? CMD_DATA_READ : CMD_DATA_WRITE) : 0;
  const wait = rsp === RSP_R1B || dir === CMD_DATA_WRITE ? CMD_WAIT_BUSY : 0;
  const m: serial_message = {
    type: 'cmd',
    opcode: cmd.opcode,
    rsp_type: rsp,
    flags: dir | wait,
    arg: cmd.arg >>> 0,
    blksz: data?.blksz ?? 0,
    blocks: data?.blocks ?? 0,
    busy_timeout_ms: Math.ceil(busy_ms),
  };
  const ex = yield* serial_exchange(s, baud, m, wait && !data ? busy_ms : 0);
  const r = ex.replies[0];
  if (ex.err || r?.type !== 'cmd_resp') {
    cmd.error = ex.err || -EPROTO;
    return null;
  }
  cmd.resp = [...r.resp];
  if (r.status) {
    cmd.error = serial_status_to_errno(r.status);
    return null;
  }
  return ex;
}

/** The read stream that followed the CMD_RESP: blocks in order, all of them, CRC intact. */
const take_read = (ex: exchange, data: mmc_data): void => {
  let next = 0;
  for (const r of ex.replies.slice(1)) {
    if (r.type === 'data') {
      if (r.cmd_seq !== ex.seq || r.block_index !== next || r.data.length % data.blksz) break;
      data.buf.set(r.data.subarray(0, Math.max(0, data.buf.length - next * data.blksz)), next * data.blksz);
      next += r.data.length / data.blksz;
      continue;
    }
    if (r.type !== 'data_end') break;
    if (r.status) data.error = serial_status_to_errno(r.status);
    else if (r.blocks_done !== data.blocks || next !== data.blocks || r.crc !== crc32(data.buf)) data.error = -EILSEQ;
    else data.bytes_xfered = data.blocks * data.blksz;
    return;
  }
  data.error = -EILSEQ;
};

/** The write's data, as many blocks a frame as the payload allows; DATA_END must account for all. */
function* give_write(s: mmc_serial_session, baud: number, cmd_seq: number, data: mmc_data): Generator<number, void, void> {
  const per_frame = Math.max(1, Math.floor((s.max_payload - 4) / data.blksz));
  for (let block = 0; block < data.blocks; ) {
    const n = Math.min(per_frame, data.blocks - block);
    const chunk = data.buf.subarray(block * data.blksz, (block + n) * data.blksz);
    // The last frame's reply waits for the card's programming too (the CMD asked for WAIT_BUSY).
    const busy_ms = block + n === data.blocks ? write_busy_ms(data) : 0;
    const ex = yield* serial_exchange(s, baud, { type: 'data', cmd_seq, block_index: block, data: chunk }, busy_ms);
    const r = ex.replies[0];
    if (ex.err) {
      data.error = ex.err;
      return;
    }
    block += n;
    if (r?.type === 'data_ack' && r.cmd_seq === cmd_seq && r.status) {
      data.error = serial_status_to_errno(r.status);
      return;
    }
    if (r?.type === 'data_ack' && r.cmd_seq === cmd_seq && r.next_block === block && block < data.blocks) continue;
    if (r?.type !== 'data_end' || r.cmd_seq !== cmd_seq) {
      data.error = -EPROTO;
      return;
    }
    data.bytes_xfered = Math.min(r.blocks_done, data.blocks) * data.blksz;
    if (r.status) data.error = serial_status_to_errno(r.status);
    else if (r.blocks_done !== data.blocks || block !== data.blocks || r.crc !== crc32(data.buf)) data.error = -EILSEQ;
    return;
  }
}

/** The whole request; errors land in its commands and data as mmc_request_done() expects. */
export function* serial_request(s: mmc_serial_session, baud: number, mrq: mmc_request): Generator<number, void, void> {
  if (mrq.sbc && !(yield* serial_command(s, baud, mrq.sbc, null))) return;
  const data = mrq.data;
  const ex = yield* serial_command(s, baud, mrq.cmd, data);
  if (!ex || !data) return;
  if (data.flags & MMC_DATA_READ) take_read(ex, data);
  else yield* give_write(s, baud, ex.seq, data);
  // The device ends a transfer itself (CMD12, errors, HELLO after a timeout), except one we
  // gave up on because its replies made no sense: ABORT ends that.
  if (data.error === -EPROTO) yield* serial_exchange(s, baud, { type: 'abort' });
}
