// SPDX-License-Identifier: GPL-2.0
// The SD Host Controller's state (QEMU hw/sd/sdhci.c's SDHCIState): one field per register of
// the SD Host Controller Simplified Spec 3.00 §2.2 register map, the command and data engines'
// progress, the PIO buffer, and the two activities that take virtual time: the CMD line (a
// command and its response) and the DAT line (blocks, Auto CMD12, DAT0 busy). Each line runs
// one named step at a time on the injected Clock; a step that is due while the controller
// cannot progress (clocks gated by the platform, SD clock stopped) waits, keeping the time it
// still needed. The other files work on this object; SdhciController (sdhci.ts) is the face.
import type { ClockEvent } from '../../include/hw/clock.h.ts';
import type { SdResponse } from '../../include/hw/sd.h.ts';
import type { SdhciConfig, SdhciLogCategory } from './sdhci_options.ts';

/** Register fields, named as the spec's registers (QEMU's names in comments). */
export interface SdhciRegisters {
  /** 0x00 SDMA System Address / Argument 2 (sdmasysad). */
  sdmaSysAddr: number;
  /** 0x04 Block Size, with the SDMA buffer boundary in b14:12 (blksize). */
  blockSize: number;
  /** 0x06 Block Count (blkcnt). */
  blockCount: number;
  /** 0x08 Argument 1 (argument). */
  argument: number;
  /** 0x0C Transfer Mode (trnmod). */
  transferMode: number;
  /** 0x0E Command (cmdreg). */
  command: number;
  /** 0x10, 0x14, 0x18, 0x1C Response registers (rspreg[0..3]). */
  response0: number;
  response1: number;
  response2: number;
  response3: number;
  /** 0x28 Host Control 1 (hostctl1). */
  hostControl1: number;
  /** 0x29 Power Control (pwrcon). */
  powerControl: number;
  /** 0x2A Block Gap Control (blkgap). */
  blockGapControl: number;
  /** 0x2B Wakeup Control (wakcon). */
  wakeupControl: number;
  /** 0x2C Clock Control, without the Internal Clock Stable bit, which is derived (clkcon). */
  clockControl: number;
  /** 0x2E Timeout Control (timeoutcon). */
  timeoutControl: number;
  /** 0x30 Normal Interrupt Status without the Error Interrupt summary bit 15 (norintsts). */
  normalIntStatus: number;
  /** 0x32 Error Interrupt Status (errintsts). */
  errorIntStatus: number;
  /** 0x34/0x36 Status Enable (norintstsen, errintstsen). */
  normalIntStatusEnable: number;
  errorIntStatusEnable: number;
  /** 0x38/0x3A Signal Enable (norintsigen, errintsigen). */
  normalIntSignalEnable: number;
  errorIntSignalEnable: number;
  /** 0x3C Auto CMD Error Status (acmd12errsts). */
  autoCmdErrorStatus: number;
  /** 0x3E Host Control 2 (hostctl2). */
  hostControl2: number;
  /** 0x54 ADMA Error Status (admaerr). */
  admaErrorStatus: number;
  /** 0x58/0x5C ADMA System Address, low and high words (admasysaddr). */
  admaSysAddrLo: number;
  admaSysAddrHi: number;
}

export const resetRegisters = (): SdhciRegisters => ({
  sdmaSysAddr: 0,
  blockSize: 0,
  blockCount: 0,
  argument: 0,
  transferMode: 0,
  command: 0,
  response0: 0,
  response1: 0,
  response2: 0,
  response3: 0,
  hostControl1: 0,
  powerControl: 0,
  blockGapControl: 0,
  wakeupControl: 0,
  clockControl: 0,
  timeoutControl: 0,
  normalIntStatus: 0,
  errorIntStatus: 0,
  normalIntStatusEnable: 0,
  errorIntStatusEnable: 0,
  normalIntSignalEnable: 0,
  errorIntSignalEnable: 0,
  autoCmdErrorStatus: 0,
  hostControl2: 0,
  admaErrorStatus: 0,
  admaSysAddrLo: 0,
  admaSysAddrHi: 0,
});

/** A command on the CMD line: the main command, or Auto CMD23 ahead of it. */
export interface CommandInFlight {
  index: number;
  argument: number;
  /** Response type, Command register b1:0 (SDHCI_CMD_RESP_*). */
  responseType: number;
  crcCheck: boolean;
  indexCheck: boolean;
  data: boolean;
  busy: boolean;
  abort: boolean;
  /** A tuning block read while Host Control 2 Execute Tuning is set. */
  tuning: boolean;
  /** Transfer Mode as written when the command was issued. */
  transferMode: number;
  /** Auto CMD23 is on the line first, with this argument (0x00 as written at issue). */
  auto23: boolean;
  argument2: number;
  /** What the card answered, once the command went out. */
  response: SdResponse | null;
}

export type DmaMode = 'pio' | 'sdma' | 'adma32' | 'adma64';

/**
 * Where a data phase is:
 * read-wait: the next block is on its way from the card (step block-in);
 * read-buffer / write-buffer: PIO, the guest drains or fills the buffer;
 * write-out: a block is going to the card (step block-out);
 * dma-paused: SDMA stopped at a buffer boundary until the address is written;
 * acmd12: Auto CMD12 on the CMD line; busy: waiting for DAT0 to go high;
 * error: stopped by an error, DAT inhibit held until a DAT reset.
 */
export type TransferState = 'read-wait' | 'read-buffer' | 'write-buffer' | 'write-out' | 'dma-paused' | 'acmd12' | 'busy' | 'error';

/** The ADMA2 engine's place in the descriptor table. */
export interface AdmaCursor {
  /** Bytes left in the current tran descriptor, and where they go. */
  segmentAddr: number;
  segmentLeft: number;
  segmentEnd: boolean;
  segmentInt: boolean;
  /** A descriptor with End has been completed: the table is done. */
  ended: boolean;
}

export interface DataTransfer {
  /** 'none': the busy phase of an R1b command (or of an abort) without data. */
  direction: 'read' | 'write' | 'none';
  state: TransferState;
  blockSize: number;
  /** Blocks still to move on the bus; null for an infinite transfer (until stopped). */
  remaining: number | null;
  dma: DmaMode;
  /** Multi-block with block count enabled: the Block Count register counts down. */
  countsBlocks: boolean;
  autoCmd12: boolean;
  tuning: boolean;
  /** SDMA buffer boundary in bytes. */
  boundary: number;
  adma: AdmaCursor;
  /** Time after which busy counts as a data timeout. */
  busyDeadline: number;
  /** Auto CMD12's answer, between its two steps. */
  acmd12Response: SdResponse | null;
}

export type CmdStep = 'acmd23-sent' | 'acmd23-done' | 'command-sent' | 'command-done';
export type DatStep = 'block-in' | 'block-out' | 'acmd12-sent' | 'acmd12-done' | 'busy' | 'timeout';
export type Step = CmdStep | DatStep;
export type LaneName = 'cmd' | 'dat';

/** One line's pending step. While stalled, @due holds the time still needed instead. */
export interface Lane {
  step: Step | null;
  due: number;
  stalled: boolean;
  event: ClockEvent | null;
}

/** Steps that need only the controller's own clocks (not the SD clock): DAT0 and the timeout counter. */
const NO_SD_CLOCK: ReadonlySet<Step> = new Set<Step>(['busy', 'timeout']);

export class SdhciCore {
  regs: SdhciRegisters = resetRegisters();
  cmdInhibit = false;
  datInhibit = false;
  cmd: CommandInFlight | null = null;
  xfer: DataTransfer | null = null;
  /** The PIO buffer (one block) and the guest's position in it. */
  readonly fifo: Uint8Array;
  fifoPos = 0;
  /** Platform clock gate (runtime suspend). */
  gated = false;
  /** Level last driven on the IRQ line. */
  irqLevel = false;
  busErrors = 0;
  /** The card has supply (bus power on, or off for less than the hold-up time). */
  cardSupplied = false;
  /** When the hold-up ends and the card loses its supply (bus power is off), else null. */
  powerCutAt: number | null = null;
  powerEvent: ClockEvent | null = null;
  readonly lanes: Record<LaneName, Lane> = { cmd: emptyLane(), dat: emptyLane() };
  /** Runs a step; set by the controller (it knows every engine). */
  run: (step: Step) => void = () => {};

  constructor(readonly cfg: SdhciConfig) {
    this.fifo = new Uint8Array(cfg.caps.maxBlock);
  }

  get now(): number {
    return this.cfg.clock.now;
  }

  get v3(): boolean {
    return this.cfg.spec !== '2.00';
  }

  get v4(): boolean {
    return this.cfg.spec === '4.00';
  }

  log(category: SdhciLogCategory, msg: string): void {
    this.cfg.log(category, `sdhci: ${msg}`);
  }

  /** Internal clock on and SD clock enabled: the bus can move. */
  get sdClockOn(): boolean {
    const c = this.regs.clockControl;
    return (c & 0x0001) !== 0 && (c & 0x0004) !== 0;
  }

  canRun(step: Step): boolean {
    return !this.gated && (this.sdClockOn || NO_SD_CLOCK.has(step));
  }

  /** Run @step on @lane at @time (replacing what the lane had pending). */
  schedule(lane: LaneName, step: Step, time: number): void {
    const l = this.lanes[lane];
    this.cfg.clock.cancel(l.event);
    l.event = null;
    l.step = step;
    const at = Math.max(time, this.now);
    if (this.canRun(step)) {
      l.stalled = false;
      l.due = at;
      l.event = this.cfg.clock.at(at, () => this.fire(lane));
    } else {
      l.stalled = true;
      l.due = at - this.now;
    }
  }

  cancel(lane: LaneName): void {
    const l = this.lanes[lane];
    this.cfg.clock.cancel(l.event);
    this.lanes[lane] = emptyLane();
  }

  /** After the clocks changed: stop what can no longer run, resume what can. */
  reevaluate(): void {
    for (const name of ['cmd', 'dat'] as const) {
      const l = this.lanes[name];
      if (!l.step) continue;
      if (!l.stalled && !this.canRun(l.step)) {
        this.cfg.clock.cancel(l.event);
        l.event = null;
        l.stalled = true;
        l.due = Math.max(0, l.due - this.now);
      } else if (l.stalled && this.canRun(l.step)) {
        l.stalled = false;
        l.due = this.now + l.due;
        l.event = this.cfg.clock.at(l.due, () => this.fire(name));
      }
    }
  }

  private fire(lane: LaneName): void {
    const l = this.lanes[lane];
    const step = l.step;
    l.event = null;
    l.step = null;
    if (step) this.run(step);
  }
}

const emptyLane = (): Lane => ({ step: null, due: 0, stalled: false, event: null });
