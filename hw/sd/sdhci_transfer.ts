// SPDX-License-Identifier: GPL-2.0
// The data phase on the DAT line (SD Host Controller Simplified Spec 3.00 §3.7.2 "Data
// Transfer using DAT Line", §2.2.9 Present State): blocks move one at a time in virtual time,
// each taking its bus time (sdhci_timing.ts) at the SD clock, bus width and data rate of the
// moment; the first read block waits for the card's access time; a write goes on only when
// DAT0 is high. PIO hands each block to the guest through the buffer (sdhci_pio.ts), SDMA and
// ADMA2 move it to guest memory. What follows the last block (Auto CMD12, busy, Transfer
// Complete) and the error stop are in sdhci_transfer_end.ts. While nothing else can act, a DMA
// step moves many blocks at once, each still at its time (sdhci_burst.ts). QEMU hw/sd/sdhci.c
// moves all of it at once inside the register write (sdhci_data_transfer); the sequence is the same.
import * as R from '../../include/hw/sdhci.h.ts';
import { type AdmaFault, admaCheckAfterBlock, admaMoveBlock, admaTableDone, fetchDescriptor } from './sdhci_adma.ts';
import { cardBusyUntil, cardReadLatencyNs, readFromCard, writeToCard } from './sdhci_bus.ts';
import { burstIn, burstOut, countBlocks, runAhead } from './sdhci_burst.ts';
import type { CommandInFlight, DataTransfer, DmaMode, SdhciCore } from './sdhci_core.ts';
import { raise } from './sdhci_irq.ts';
import { sdmaBoundary, sdmaMoveBlock } from './sdhci_sdma.ts';
import { blockNs, dataTimeoutNs } from './sdhci_timing.ts';
import { endOfData, startBusyWait, stopWithError, transferComplete } from './sdhci_transfer_end.ts';

/** The Auto CMD a Transfer Mode asks for: 0, 12 or 23 (auto-select b3:2 = 11 in Host Version 4 mode). */
export function autoCmdOf(core: SdhciCore, mode: number): 0 | 12 | 23 {
  switch ((mode & R.SDHCI_TRNS_AUTO_SEL) >> 2) {
    case 1:
      return 12;
    case 2:
      if (core.v3) return 23;
      core.log('guest_error', 'Auto CMD23 (Transfer Mode b3:2 = 10) is reserved before spec 3.00: ignored');
      return 0;
    case 3:
      if (core.v4 && core.regs.hostControl2 & R.SDHCI_CTRL_V4_MODE) return core.regs.hostControl2 & R.SDHCI_CMD23_ENABLE ? 23 : 12;
      core.log('guest_error', 'Auto CMD auto-select (Transfer Mode b3:2 = 11) needs Host Version 4 mode: ignored');
      return 0;
    default:
      return 0;
  }
}

/** A DMA mode selected that the capabilities do not offer: PIO, after saying so. */
function unsupported(core: SdhciCore, what: string): DmaMode {
  core.log('guest_error', `DMA enabled with ${what} selected, which the capabilities do not offer: data moves by PIO`);
  return 'pio';
}

/** Which engine moves the data: the Transfer Mode DMA bit and Host Control 1's DMA select. */
export function dmaModeFor(core: SdhciCore, mode: number): DmaMode {
  if (!(mode & R.SDHCI_TRNS_DMA)) return 'pio';
  const caps = core.cfg.caps;
  const v4Mode = core.v4 && (core.regs.hostControl2 & R.SDHCI_CTRL_V4_MODE) !== 0;
  switch (core.regs.hostControl1 & R.SDHCI_CTRL_DMA_MASK) {
    case R.SDHCI_CTRL_SDMA:
      return caps.sdma ? 'sdma' : unsupported(core, 'SDMA');
    case R.SDHCI_CTRL_ADMA1:
      core.log('unimp', 'ADMA1 is not implemented (and not advertised): data moves by PIO');
      return 'pio';
    case R.SDHCI_CTRL_ADMA32:
      if (!caps.adma2) return unsupported(core, 'ADMA2');
      if (v4Mode && core.regs.hostControl2 & R.SDHCI_CTRL_64BIT_ADDR) return caps.adma64 ? 'adma64' : unsupported(core, '64-bit ADMA2');
      return 'adma32';
    default:
      if (v4Mode) {
        core.log('unimp', 'DMA select 11 (ADMA3) in Host Version 4 mode is not implemented: data moves by PIO');
        return 'pio';
      }
      return caps.adma2 && caps.adma64 ? 'adma64' : unsupported(core, '64-bit ADMA2');
  }
}

function newTransfer(direction: DataTransfer['direction']): DataTransfer {
  return {
    direction,
    state: 'busy',
    blockSize: 0,
    remaining: 0,
    dma: 'pio',
    countsBlocks: false,
    autoCmd12: false,
    tuning: false,
    boundary: 4096,
    adma: { segmentAddr: 0, segmentLeft: 0, segmentEnd: false, segmentInt: false, ended: false },
    busyDeadline: 0,
    acmd12Response: null,
  };
}

/** The command of a data transfer got its response: start moving blocks. */
export function startData(core: SdhciCore, c: CommandInFlight): void {
  const r = core.regs;
  const mode = c.transferMode;
  const multi = (mode & R.SDHCI_TRNS_MULTI) !== 0;
  const countsBlocks = multi && (mode & R.SDHCI_TRNS_BLK_CNT_EN) !== 0;
  let blockSize = r.blockSize & 0xfff;
  if (blockSize === 0 || (countsBlocks && r.blockCount === 0)) {
    core.log('guest_error', `CMD${c.index} with data but ${blockSize === 0 ? 'a block size' : 'a block count'} of 0: no data moves`);
    transferComplete(core);
    return;
  }
  if (blockSize > core.cfg.caps.maxBlock) {
    core.log('guest_error', `block size ${blockSize} exceeds the ${core.cfg.caps.maxBlock}-byte buffer: clamped`);
    blockSize = core.cfg.caps.maxBlock;
  }
  const auto = autoCmdOf(core, mode);
  if (auto === 12 && !multi) core.log('guest_error', `Auto CMD12 on single-block CMD${c.index}: not sent`);
  const x = newTransfer(mode & R.SDHCI_TRNS_READ ? 'read' : 'write');
  x.blockSize = blockSize;
  x.remaining = !multi ? 1 : countsBlocks ? r.blockCount : null;
  x.countsBlocks = countsBlocks;
  x.autoCmd12 = auto === 12 && multi;
  x.tuning = c.tuning;
  x.dma = c.tuning ? 'pio' : dmaModeFor(core, mode);
  x.boundary = sdmaBoundary(r.blockSize);
  core.xfer = x;
  core.fifoPos = 0;
  if (x.dma === 'adma32' || x.dma === 'adma64') r.admaErrorStatus = 0;
  if (x.direction === 'read') {
    x.state = 'read-wait';
    core.schedule('dat', 'block-in', core.now + cardReadLatencyNs(core) + blockNs(core, blockSize));
  } else if (x.dma === 'pio') {
    x.state = 'write-buffer';
    raise(core, R.SDHCI_INT_SPACE_AVAIL);
  } else {
    x.state = 'write-out';
    core.schedule('dat', 'block-out', core.now + blockNs(core, blockSize));
  }
}

/** R1b without data (or an abort's busy): wait for DAT0, then Transfer Complete. */
export function startBusyPhase(core: SdhciCore): void {
  const x = newTransfer('none');
  core.xfer = x;
  startBusyWait(core, x);
}

/** An abort command's response: the data phase stops where it is. */
export function abortData(core: SdhciCore): void {
  core.cancel('dat');
  core.xfer = null;
  core.fifoPos = 0;
}

/** Step block-in: blocks from the card have arrived (bursts while nothing else can act, sdhci_burst.ts). */
export function blockIn(core: SdhciCore): void {
  const x = core.xfer;
  while (x && core.xfer === x && x.state === 'read-wait') {
    const crossed = burstIn(core, x);
    if (!(crossed === null ? oneBlockIn(core, x) : afterDmaBlock(core, x, crossed))) return;
    if (!runAhead(core, nextBlockTime(core, x))) return nextBlock(core, x);
  }
}

/** Step block-out: blocks have gone over the bus to the card (fetched from memory first for DMA). */
export function blockOut(core: SdhciCore): void {
  const x = core.xfer;
  while (x && core.xfer === x && x.state === 'write-out') {
    if (!fetchAhead(core, x)) return;
    const crossed = burstOut(core, x);
    if (!(crossed === null ? oneBlockOut(core, x) : afterDmaBlock(core, x, crossed))) return;
    if (!runAhead(core, nextBlockTime(core, x))) return nextBlock(core, x);
  }
}

/**
 * A write's next ADMA2 descriptor, fetched as its first block would begin (so that block can be
 * part of a burst, and a burst covers the descriptor whole); false if the fetch faulted. A read
 * fetches after the card sent the block, so its first block goes alone.
 */
function fetchAhead(core: SdhciCore, x: DataTransfer): boolean {
  const a = x.adma;
  if ((x.dma !== 'adma32' && x.dma !== 'adma64') || a.segmentLeft !== 0 || a.ended) return true;
  const fault = fetchDescriptor(core, x);
  return fault ? admaError(core, x, fault) : true;
}

/** One block from the card into the buffer; true if the next block is due. */
function oneBlockIn(core: SdhciCore, x: DataTransfer): boolean {
  const buf = core.fifo.subarray(0, x.blockSize);
  if (readFromCard(core, buf) < x.blockSize) {
    // No start bit: the controller waits for one until the data timeout.
    core.schedule('dat', 'timeout', core.now - blockNs(core, x.blockSize) + dataTimeoutNs(core));
    return false;
  }
  if (x.tuning) {
    // The tuning block is sampled, not stored: Buffer Read Ready, Execute Tuning done, tuned clock.
    core.regs.hostControl2 = (core.regs.hostControl2 & ~R.SDHCI_CTRL_EXEC_TUNING) | R.SDHCI_CTRL_TUNED_CLK;
    core.xfer = null;
    core.datInhibit = false;
    raise(core, R.SDHCI_INT_DATA_AVAIL);
    return false;
  }
  countBlocks(core, x, 1);
  if (x.dma === 'pio') {
    core.fifoPos = 0;
    x.state = 'read-buffer';
    raise(core, R.SDHCI_INT_DATA_AVAIL);
    return false;
  }
  return dmaBlock(core, x, buf, true);
}

/** One block over the bus to the card; true if the next block is due. */
function oneBlockOut(core: SdhciCore, x: DataTransfer): boolean {
  const buf = core.fifo.subarray(0, x.blockSize);
  let crossed = false;
  if (x.dma === 'sdma') {
    const m = sdmaMoveBlock(core, x.boundary, buf, false);
    if ('error' in m) return dmaBusError(core, x, m.error);
    crossed = m.crossed;
  } else if (x.dma !== 'pio') {
    const fault = admaMoveBlock(core, x, buf, false);
    if (fault) return admaError(core, x, fault);
  }
  // Without the card's CRC status token ('010') the controller reports a data CRC error.
  if (writeToCard(core, buf) < x.blockSize) {
    stopWithError(core, x, R.SDHCI_INT_DATA_CRC);
    return false;
  }
  countBlocks(core, x, 1);
  if (x.dma === 'pio') {
    if (x.remaining === 0) {
      endOfData(core, x);
      return false;
    }
    core.fifoPos = 0;
    x.state = 'write-buffer';
    raise(core, R.SDHCI_INT_SPACE_AVAIL);
    return false;
  }
  return afterDmaBlock(core, x, crossed);
}

function dmaBlock(core: SdhciCore, x: DataTransfer, buf: Uint8Array, toMemory: boolean): boolean {
  if (x.dma === 'sdma') {
    const m = sdmaMoveBlock(core, x.boundary, buf, toMemory);
    if ('error' in m) return dmaBusError(core, x, m.error);
    return afterDmaBlock(core, x, m.crossed);
  }
  const fault = admaMoveBlock(core, x, buf, toMemory);
  if (fault) return admaError(core, x, fault);
  return afterDmaBlock(core, x, false);
}

/** After a DMA block: the end of data, a pause at the SDMA boundary, an error, or (true) the next block is due. */
function afterDmaBlock(core: SdhciCore, x: DataTransfer, crossed: boolean): boolean {
  if (x.dma === 'adma32' || x.dma === 'adma64') {
    const fault = admaCheckAfterBlock(x);
    if (fault) return admaError(core, x, fault);
    if (x.remaining === null && admaTableDone(x)) {
      endOfData(core, x);
      return false;
    }
  }
  if (x.remaining === 0) {
    endOfData(core, x);
    return false;
  }
  if (crossed) {
    x.state = 'dma-paused';
    raise(core, R.SDHCI_INT_DMA_END);
    return false;
  }
  return true;
}

/** When the next block is over the bus (a write waits for DAT0 high first). */
function nextBlockTime(core: SdhciCore, x: DataTransfer): number {
  const start = x.direction === 'read' ? core.now : Math.max(core.now, cardBusyUntil(core));
  return start + blockNs(core, x.blockSize);
}

/** Start the next block on the bus. */
export function nextBlock(core: SdhciCore, x: DataTransfer): void {
  x.state = x.direction === 'read' ? 'read-wait' : 'write-out';
  core.schedule('dat', x.direction === 'read' ? 'block-in' : 'block-out', nextBlockTime(core, x));
}

/** The guest drained the PIO buffer of a read block. */
export function pioBlockRead(core: SdhciCore, x: DataTransfer): void {
  if (x.remaining === 0) endOfData(core, x);
  else nextBlock(core, x);
}

/** The guest filled the PIO buffer with a write block. */
export function pioBlockWritten(core: SdhciCore, x: DataTransfer): void {
  nextBlock(core, x);
}

/** SDMA paused at a boundary and the guest wrote the address: go on. */
export function resumeSdma(core: SdhciCore): void {
  const x = core.xfer;
  if (x?.state === 'dma-paused') nextBlock(core, x);
}

/**
 * DMA outside memory. The spec has no SDMA bus-error status; like controllers that report
 * system bus errors through it, we raise the ADMA error interrupt (Linux: -EIO).
 */
function dmaBusError(core: SdhciCore, x: DataTransfer, why: string): false {
  core.log('guest_error', why);
  stopWithError(core, x, R.SDHCI_INT_ADMA_ERROR);
  return false;
}

function admaError(core: SdhciCore, x: DataTransfer, f: AdmaFault): false {
  core.regs.admaErrorStatus = f.state | (f.mismatch ? 0x4 : 0);
  core.log('guest_error', `ADMA error (${f.state === 1 ? 'ST_FDS' : 'ST_TFR'}${f.mismatch ? ', length mismatch' : ''}): ${f.why}`);
  stopWithError(core, x, R.SDHCI_INT_ADMA_ERROR);
  return false;
}
