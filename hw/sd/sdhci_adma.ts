// SPDX-License-Identifier: GPL-2.0
// The ADMA2 engine (SD Host Controller Simplified Spec 3.00 §1.13): a descriptor table in
// guest memory at the ADMA System Address register (0x58/0x5C), 8-byte descriptors for 32-bit
// addressing, 12 bytes for 64-bit (16 in Host Version 4 mode): attribute b0 Valid, b1 End, b2
// Int, b5:4 Act (00 nop, 01 reserved, 10 tran, 11 link); length 0 means 65536. The engine moves
// one block at a time through as many descriptors as it spans (QEMU hw/sd/sdhci.c:
// sdhci_do_adma / get_adma_description, which walk a few descriptors per timer tick).
//
// Errors (ADMA Error Status 0x54, §2.2.30): an invalid descriptor or one outside memory stops
// in ST_FDS with the address register on that descriptor; a data address outside memory stops
// in ST_TFR; a table whose End comes before the block count is done, or that still holds data
// when it is done, is a length mismatch (ST_TFR, b2). The caller raises the interrupt.
import * as R from '../../include/hw/sdhci.h.ts';
import type { DataTransfer, SdhciCore } from './sdhci_core.ts';
import { raise } from './sdhci_irq.ts';

export const ADMA_ST_STOP = 0;
export const ADMA_ST_FDS = 1;
export const ADMA_ST_TFR = 3;
export const ADMA_LENGTH_MISMATCH = 0x4;

const ATTR_VALID = 0x1;
const ATTR_END = 0x2;
const ATTR_INT = 0x4;
const ACT_TRAN = 2;
const ACT_LINK = 3;
/** Descriptors fetched for one block without reaching data: a table that loops on itself. */
const MAX_EMPTY_FETCHES = 4096;

export interface AdmaFault {
  state: typeof ADMA_ST_FDS | typeof ADMA_ST_TFR;
  mismatch: boolean;
  why: string;
}

const hex = (v: number): string => `0x${v.toString(16)}`;

/**
 * Whether the DMA engines may hand [@addr, @addr + @len) to the embedder's DmaMemory, whose
 * addresses are below 2^53 (include/hw/dma.h.ts). A 64-bit address a guest programs can lie
 * above, where a number no longer holds it exactly: that is memory the embedder does not have,
 * answered as a bus error without asking it (fuzzing found such addresses reaching it, rounded).
 */
export function dmaReachable(addr: number, len: number): boolean {
  return Number.isSafeInteger(addr) && addr >= 0 && addr + len <= 2 ** 53;
}

export function admaAddress(core: SdhciCore): number {
  return core.regs.admaSysAddrHi * 2 ** 32 + core.regs.admaSysAddrLo;
}

export function setAdmaAddress(core: SdhciCore, addr: number): void {
  core.regs.admaSysAddrLo = addr % 2 ** 32 >>> 0;
  core.regs.admaSysAddrHi = Math.floor(addr / 2 ** 32) >>> 0;
}

const v4Mode = (core: SdhciCore): boolean => core.v4 && (core.regs.hostControl2 & R.SDHCI_CTRL_V4_MODE) !== 0;

function descriptorSize(core: SdhciCore, x: DataTransfer): number {
  if (x.dma === 'adma32') return R.SDHCI_ADMA2_32_DESC_SZ;
  return v4Mode(core) ? 16 : R.SDHCI_ADMA2_64_DESC_SZ;
}

const u32 = (d: Uint8Array, at: number): number => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;

/** A descriptor's fields as the engine reads them (length 0 is 65536; the address's 32-bit halves). */
interface Descriptor {
  readonly attr: number;
  readonly length: number;
  readonly lo: number;
  readonly hi: number;
}

const dataAddress = (d: Descriptor): number => d.lo + d.hi * 2 ** 32;

/** The descriptor at @at, or null if it is outside memory. */
function readDescriptor(core: SdhciCore, at: number, size: number): Descriptor | null {
  const d = new Uint8Array(size);
  if (!dmaReachable(at, size) || !core.cfg.dma.read(at, d)) return null;
  return { attr: d[0]! | (d[1]! << 8), length: d[2]! | (d[3]! << 8) || R.SDHCI_ADMA2_MAX_LEN, lo: u32(d, 4), hi: size > 8 ? u32(d, 8) : 0 };
}

/** Fetch descriptors until a tran one (cursor loaded), one with End (cursor ended), or a fault. */
export function fetchDescriptor(core: SdhciCore, x: DataTransfer): AdmaFault | null {
  const size = descriptorSize(core, x);
  const a = x.adma;
  for (let n = 0; n < MAX_EMPTY_FETCHES; n++) {
    const at = admaAddress(core);
    const d = readDescriptor(core, at, size);
    if (!d) return { state: ADMA_ST_FDS, mismatch: false, why: `descriptor at ${hex(at)} is outside memory` };
    const { attr } = d;
    let addr = dataAddress(d);
    if (!(attr & ATTR_VALID)) return { state: ADMA_ST_FDS, mismatch: false, why: `descriptor at ${hex(at)} is not valid (attribute ${hex(attr)})` };
    const act = (attr >> 4) & 0x3;
    if (act === ACT_TRAN) {
      if (addr % 4) {
        core.log('guest_error', `ADMA2 descriptor at ${hex(at)}: data address ${hex(addr)} is not 4-byte aligned; the low bits are ignored`);
        addr -= addr % 4;
      }
      a.segmentAddr = addr;
      a.segmentLeft = d.length;
      a.segmentEnd = (attr & ATTR_END) !== 0;
      a.segmentInt = (attr & ATTR_INT) !== 0;
      return null;
    }
    if (attr & ATTR_INT) raise(core, R.SDHCI_INT_DMA_END);
    if (attr & ATTR_END) {
      a.ended = true;
      return null;
    }
    if (act === ACT_LINK) {
      // The link's two halves as the descriptor holds them: their sum may not be exact.
      core.regs.admaSysAddrLo = d.lo;
      core.regs.admaSysAddrHi = d.hi;
    } else setAdmaAddress(core, at + size);
  }
  return { state: ADMA_ST_FDS, mismatch: false, why: `${MAX_EMPTY_FETCHES} descriptors without data (a table that loops?)` };
}

/**
 * Bytes the engine would move, after the current tran descriptor, without a stop: the tran
 * descriptors that follow it in the table, valid, whole blocks each, each one's data where the
 * one before ends, up to and with the first that has Int or End, until @cap bytes. Reads the
 * table only: the fetches themselves are fetchDescriptor's, when the engine gets there. Nothing
 * else can change the table in between (a burst runs when nothing can act) but a read's own
 * data: a descriptor the data before it lands on ends the chain.
 */
export function chainedBytes(core: SdhciCore, x: DataTransfer, cap: number): number {
  const a = x.adma;
  if (a.segmentEnd || a.segmentInt || a.segmentLeft % 512) return 0;
  const size = descriptorSize(core, x);
  const table = admaAddress(core) + size;
  let at = table;
  let next = a.segmentAddr + a.segmentLeft;
  let bytes = 0;
  // A read's data lands before the chained descriptors are fetched: none of them may be under it.
  const under = (lo: number, hi: number): boolean => x.direction === 'read' && lo < at + size && table < hi;
  while (bytes < cap && !under(a.segmentAddr, next)) {
    const d = readDescriptor(core, at, size);
    if (!d || !(d.attr & ATTR_VALID) || ((d.attr >> 4) & 0x3) !== ACT_TRAN || dataAddress(d) !== next || d.length % 512 || under(next, next + d.length)) break;
    bytes += d.length;
    if (d.attr & (ATTR_INT | ATTR_END)) break;
    next += d.length;
    at += size;
  }
  return bytes;
}

/** The current tran descriptor is done: its Int, its End, or on to the next descriptor. */
export function segmentDone(core: SdhciCore, x: DataTransfer): void {
  const a = x.adma;
  if (a.segmentInt) raise(core, R.SDHCI_INT_DMA_END);
  if (a.segmentEnd) a.ended = true;
  else setAdmaAddress(core, admaAddress(core) + descriptorSize(core, x));
}

/** Move @buf to (@toMemory) or from guest memory through the descriptors. */
export function admaMoveBlock(core: SdhciCore, x: DataTransfer, buf: Uint8Array, toMemory: boolean): AdmaFault | null {
  const a = x.adma;
  let done = 0;
  while (done < buf.length) {
    if (a.segmentLeft === 0) {
      if (a.ended) return { state: ADMA_ST_TFR, mismatch: true, why: 'the descriptor table ended before the data did' };
      const fault = fetchDescriptor(core, x);
      if (fault) return fault;
      continue;
    }
    const n = Math.min(a.segmentLeft, buf.length - done);
    const part = buf.subarray(done, done + n);
    if (!dmaReachable(a.segmentAddr, n) || !(toMemory ? core.cfg.dma.write(a.segmentAddr, part) : core.cfg.dma.read(a.segmentAddr, part)))
      return { state: ADMA_ST_TFR, mismatch: false, why: `data at ${hex(a.segmentAddr)} (${n} bytes) is outside memory` };
    a.segmentAddr += n;
    a.segmentLeft -= n;
    done += n;
    if (a.segmentLeft === 0) segmentDone(core, x);
  }
  return null;
}

/** After a block: a mismatch if the table ended early, or holds more when the count is done. */
export function admaCheckAfterBlock(x: DataTransfer): AdmaFault | null {
  const a = x.adma;
  if (x.remaining === 0 && a.segmentLeft > 0) return { state: ADMA_ST_TFR, mismatch: true, why: `the descriptors hold ${a.segmentLeft} bytes more than the block count` };
  if (x.remaining !== null && x.remaining > 0 && a.ended && a.segmentLeft === 0)
    return { state: ADMA_ST_TFR, mismatch: true, why: `the descriptor table ended with ${x.remaining} blocks to go` };
  return null;
}

/** An infinite transfer (no block count) ends with the End descriptor, at a block boundary. */
export function admaTableDone(x: DataTransfer): boolean {
  return x.adma.ended && x.adma.segmentLeft === 0;
}
