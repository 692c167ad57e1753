// SPDX-License-Identifier: GPL-2.0
// The data phase of eMMC commands (JEDEC §6.6.9 block reads, §6.6.10 block writes, §6.6.4 bus
// test): what CMD8/14/17/18/21/24/25/46/47 open, and how blocks move through readData() and
// writeData() in whole 512-byte blocks, one backend call per call. A read ends after its count
// (CMD17, CMD23, a queued task's count, the buffer's length) or at CMD12; a write then goes to
// prg, holding DAT0 low for the programming time. A multi-block transfer that reaches the end
// of the partition stops there and reports OUT_OF_RANGE in the next status (QEMU hw/sd/sd.c:
// sd_read_byte/sd_write_byte, which work a byte at a time).
import { BLOCK, type EmmcCore, illegal, type Outcome, PART_RPMB, r1 } from './emmc_core.ts';
import { R1 } from './emmc_status.ts';

export type Transfer =
  | {
      kind: 'read';
      part: number;
      block: number;
      /** Blocks still to come, or null until CMD12. */
      remaining: number | null;
      taskId: number | null;
      /** Ran into the end of the partition: no more data. */
      stopped: boolean;
    }
  | {
      kind: 'write';
      part: number;
      block: number;
      remaining: number | null;
      /** Reliable write or forced programming (CMD23 b31/b24): past the cache. */
      direct: boolean;
      taskId: number | null;
      stopped: boolean;
      /** Bytes taken so far: to the media, into the cache, and flushed out of a full cache. */
      mediaBytes: number;
      cachedBytes: number;
      evictedBytes: number;
    }
  /** Card-generated data: EXT_CSD, the tuning block, the bus test answer. */
  | { kind: 'buffer'; what: 'ext_csd' | 'tuning' | 'bus_test'; data: Uint8Array; pos: number }
  /** CMD19's pattern, @length bytes. */
  | { kind: 'bus_test_write'; length: number };

/**
 * Validate a media address for CMD17/18/24/25 (and CMDQ tasks): the block number, or the R1
 * error to answer with (no data phase, state unchanged).
 */
export function mediaAddress(core: EmmcCore, arg: number): { block: number } | { error: number } {
  const part = core.partition;
  if (part === PART_RPMB) {
    core.log('unimp', 'RPMB data frames are not modelled');
    return { error: R1.ERROR };
  }
  const block = core.toBlock(arg);
  if (block === null) return { error: R1.ADDRESS_ERROR };
  if (block >= core.partBlocks(part)) return { error: R1.OUT_OF_RANGE };
  return { block };
}

/** CMD17/CMD18 (and CMD46 through @taskId): open a media read. */
export function startRead(core: EmmcCore, arg: number, count: number | null, taskId: number | null = null): Outcome {
  const a = mediaAddress(core, arg);
  if ('error' in a) return r1(a.error);
  core.transfer = { kind: 'read', part: core.partition, block: a.block, remaining: count, taskId, stopped: false };
  core.state = 'data';
  return r1();
}

/** CMD24/CMD25 (and CMD47): open a media write. */
export function startWrite(core: EmmcCore, arg: number, count: number | null, direct: boolean, taskId: number | null = null): Outcome {
  const a = mediaAddress(core, arg);
  if ('error' in a) return r1(a.error);
  core.transfer = { kind: 'write', part: core.partition, block: a.block, remaining: count, direct, taskId, stopped: false, mediaBytes: 0, cachedBytes: 0, evictedBytes: 0 };
  core.state = 'rcv';
  return r1();
}

/** CMD8/CMD14/CMD21: send @data from the card. */
export function startBuffer(core: EmmcCore, what: 'ext_csd' | 'tuning' | 'bus_test', data: Uint8Array): Outcome {
  core.transfer = { kind: 'buffer', what, data, pos: 0 };
  if (core.state !== 'btst') core.state = 'data';
  return r1();
}

/** The read side of SdCard: see include/hw/sd.h.ts. */
export function readData(core: EmmcCore, dst: Uint8Array): number {
  core.settle();
  const t = core.transfer;
  if (!core.powered || !t || (core.state !== 'data' && core.state !== 'btst')) return 0;
  if (t.kind === 'buffer') {
    const n = Math.min(dst.length, t.data.length - t.pos);
    dst.set(t.data.subarray(t.pos, t.pos + n));
    t.pos += n;
    if (t.pos === t.data.length) endTransfer(core, 'tran');
    return n;
  }
  if (t.kind !== 'read' || t.stopped) return 0;
  const asked = Math.floor(dst.length / BLOCK);
  let n = t.remaining === null ? asked : Math.min(asked, t.remaining);
  const left = core.partBlocks(t.part) - t.block;
  if (n > left) {
    n = left;
    t.stopped = true;
    core.raise(R1.OUT_OF_RANGE);
  }
  if (n > 0) core.readBlocks(t.part, t.block, dst.subarray(0, n * BLOCK));
  t.block += n;
  if (t.remaining !== null) {
    t.remaining -= n;
    if (t.remaining === 0) endTransfer(core, 'tran');
  }
  return n * BLOCK;
}

/**
 * SdCard.dataRoom: what readData or writeData would move now, without moving it, nor settling
 * (a card that settled would be in no data phase either: settling only ends prg and dis).
 */
export function dataRoom(core: EmmcCore, direction: 'read' | 'write'): number {
  const t = core.transfer;
  if (!core.powered || !t) return 0;
  if (direction === 'read') {
    if (core.state !== 'data' && core.state !== 'btst') return 0;
    if (t.kind === 'buffer') return t.data.length - t.pos;
    if (t.kind !== 'read') return 0;
  } else {
    if (t.kind === 'bus_test_write') return core.state === 'btst' ? t.length : 0;
    if (t.kind !== 'write' || core.state !== 'rcv') return 0;
  }
  if (t.stopped) return 0;
  const left = core.partBlocks(t.part) - t.block;
  // Past the end of the partition the card stops after what is left (readData/writeData).
  return Math.max(0, Math.min(t.remaining ?? left, left)) * BLOCK;
}

/** The write side of SdCard. */
export function writeData(core: EmmcCore, src: Uint8Array): number {
  core.settle();
  const t = core.transfer;
  if (!core.powered || !t) return 0;
  if (t.kind === 'bus_test_write' && core.state === 'btst') {
    const n = Math.min(src.length, t.length);
    core.busTest = src.slice(0, n);
    core.transfer = null;
    return n;
  }
  if (t.kind !== 'write' || core.state !== 'rcv' || t.stopped) return 0;
  const offered = Math.floor(src.length / BLOCK);
  let n = t.remaining === null ? offered : Math.min(offered, t.remaining);
  const left = core.partBlocks(t.part) - t.block;
  if (n > left) {
    n = left;
    t.stopped = true;
    core.raise(R1.OUT_OF_RANGE);
  }
  if (n > 0) {
    const bytes = n * BLOCK;
    const direct = t.direct || !core.cacheOn;
    t.evictedBytes += core.writeBlocks(t.part, t.block, src.subarray(0, bytes), direct);
    if (direct) t.mediaBytes += bytes;
    else t.cachedBytes += bytes;
  }
  t.block += n;
  if (t.remaining !== null) {
    t.remaining -= n;
    if (t.remaining === 0) finishWrite(core);
  }
  return n * BLOCK;
}

/** The write is complete (count reached or CMD12): program, holding DAT0 low, then tran. */
export function finishWrite(core: EmmcCore): void {
  const t = core.transfer;
  if (t?.kind !== 'write') return;
  endTransfer(core, 'prg');
  // The blocks that went to the media program first, one after another (emmc_program.ts).
  const programNs = core.programNs(t.mediaBytes + t.evictedBytes);
  core.program.schedule(core.now, programNs);
  core.startBusy(programNs + core.cacheNs(t.cachedBytes));
}

/** Close the open transfer (and the task it ran) and enter @state. */
export function endTransfer(core: EmmcCore, state: 'tran' | 'prg'): void {
  const t = core.transfer;
  if (t && (t.kind === 'read' || t.kind === 'write') && t.taskId !== null) core.queue?.tasks.delete(t.taskId);
  core.transfer = null;
  core.state = state;
}

/** CMD12 STOP_TRANSMISSION (JEDEC §6.6.9/§6.6.10; with b0 set, High Priority Interrupt). */
export function stopTransmission(core: EmmcCore, arg: number): Outcome {
  const hpi = (arg & 1) !== 0;
  if (core.state === 'prg') {
    if (!hpi || core.modes.hpiMgmt !== 1) return illegal('CMD12 during programming without HPI enabled');
    core.busyEnd = Math.min(core.busyEnd, core.now + core.cfg.timing.hpiNs);
    core.program.hurry(core.now, core.busyEnd);
    return r1();
  }
  if (core.state === 'rcv') {
    if (core.transfer?.kind === 'write') finishWrite(core);
    else endTransfer(core, 'prg');
    return r1();
  }
  endTransfer(core, 'tran');
  return r1();
}
