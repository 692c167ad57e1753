// SPDX-License-Identifier: GPL-2.0
// An eMMC 5.1 device (JEDEC JESD84-B51) on the card side of an SD/MMC bus: the SdCard of
// include/hw/sd.h.ts. QEMU's counterpart is hw/sd/sd.c with its emmc protocol table. A host
// controller model or a request-level host driver sends commands and moves block data; the card
// answers as the hardware would (no response, error bits in the status) and never throws for
// the host's mistakes. Media lives in BlockBackends; time comes from the embedder's Clock.
//
// This file is the dispatcher: it looks the command up in the table (emmc_commands.ts), refuses
// it if the table says it is not legal now (ILLEGAL_COMMAND in the next status, no response),
// runs the handler, and builds the response with the card status rules of JEDEC §6.13.
import type { SdCard, SdResponse } from '../../include/hw/sd.h.ts';
import { COMMAND_TABLE, type EmmcCommand, UNSUPPORTED_COMMANDS } from './emmc_commands.ts';
import { EmmcCore } from './emmc_core.ts';
import { dataRoom, readData, writeData } from './emmc_data.ts';
import { ERASE_SEQUENCE_COMMANDS } from './emmc_erase.ts';
import { composeExtCsd } from './emmc_ext_csd.ts';
import { type EmmcCardOptions, resolveOptions } from './emmc_options.ts';
import type { PowerCutReport } from './emmc_program.ts';
import { r2Words } from './emmc_regs.ts';
import { type EmmcCardState, loadCoreState, saveCoreState } from './emmc_state.ts';
import { type EmmcStateName, R1 } from './emmc_status.ts';

const NO_RESPONSE: SdResponse = { kind: 'none' };

/** Maximum clock of each HS_TIMING mode (Hz): legacy 26 MHz, HS 52 MHz, HS200/HS400 200 MHz. */
const MODE_HZ = [26e6, 52e6, 200e6, 200e6];

/**
 * An eMMC 5.1 card: the {@link SdCard} a host controller model (or a request-level host) talks
 * to. Its media are BlockBackends (`user`, optional `boot0`/`boot1`/`rpmb`), its time the
 * embedder's Clock; every option is checked (TypeError/RangeError naming it).
 * saveState()/loadState() snapshot the card, not its media.
 */
export class EmmcCard implements SdCard {
  private readonly core: EmmcCore;
  private crcFault = false;

  /** Throws TypeError/RangeError for a bad option, naming it. */
  constructor(options: EmmcCardOptions) {
    this.core = new EmmcCore(resolveOptions(options));
    if (this.core.cfg.poweredOn) this.setPower(true);
  }

  setPower(on: boolean): void {
    this.switchPower(on);
  }

  /**
   * Lose power now (setPower(false), returning what it undid): blocks the media had not
   * finished programming get their old bytes back, the one in flight per the powerLoss option,
   * and the cache is lost.
   */
  powerCut(): PowerCutReport {
    return this.switchPower(false) ?? { time: this.core.now, old: 0, torn: 0, new: 0 };
  }

  private switchPower(on: boolean): PowerCutReport | null {
    const c = this.core;
    if (on === c.powered) return null;
    // Off: programming not finished is undone, what the cache still holds is lost; registers
    // and state start over on the next power-up.
    const cut = on ? null : c.powerCut();
    c.cache?.drop();
    c.resetVolatile();
    c.powered = on;
    c.powerUpAt = on ? c.now + c.cfg.timing.powerUpNs : 0;
    return cut;
  }

  /** Told after every command and data transfer the card takes (a tool watching for a phase). */
  observer: (() => void) | null = null;

  command(index: number, arg: number): SdResponse {
    const r = this.decode(index, arg);
    this.observer?.();
    return r;
  }

  private decode(index: number, arg: number): SdResponse {
    const c = this.core;
    if (!c.powered || c.state === 'inactive') return NO_RESPONSE;
    if (!Number.isInteger(index) || index < 0 || index > 63) {
      c.log('guest_error', `command index ${index} out of range`);
      return NO_RESPONSE;
    }
    if (this.crcFault) {
      // The card never decoded it: no response, COM_CRC_ERROR in the next status.
      this.crcFault = false;
      c.pending |= R1.COM_CRC_ERROR;
      return NO_RESPONSE;
    }
    const a = arg >>> 0;
    c.settle();
    const before = c.state;
    const entry = COMMAND_TABLE[index];
    if (!entry) {
      c.log(UNSUPPORTED_COMMANDS.has(index) ? 'unimp' : 'guest_error', `CMD${index} is not an eMMC command this card supports`);
      return this.refuse();
    }
    // Addressed to another card: not for us, and not an error either.
    if (entry.addressed && a >>> 16 !== c.rca) return NO_RESPONSE;
    const why = this.refusal(entry);
    if (why) {
      c.log('guest_error', `CMD${index} ${entry.name} in state ${before}: ${why}`);
      return this.refuse();
    }
    c.beginCommand();
    const out = entry.handler(c, a);
    if (out.kind === 'illegal') {
      c.endCommand(false, 0);
      c.log('guest_error', `CMD${index} ${entry.name} in state ${before}: ${out.why}`);
      return this.refuse();
    }
    let errors = out.kind === 'r1' ? out.errors : 0;
    // CMD23 applies to the very next command only.
    if (index !== 23) c.blockCount = null;
    if (!ERASE_SEQUENCE_COMMANDS.has(index) && (c.erase.start !== null || c.erase.end !== null)) {
      c.erase = { start: null, end: null };
      errors |= R1.ERASE_RESET;
    }
    switch (out.kind) {
      case 'r1':
        return { kind: 'short', word: c.statusWord(before, c.endCommand(true, errors)) };
      case 'r2':
        c.endCommand(false, errors);
        return { kind: 'long', words: r2Words(out.reg) };
      case 'r3':
      case 'raw':
        c.endCommand(false, errors);
        return { kind: 'short', word: out.word };
      default:
        c.endCommand(false, errors);
        return NO_RESPONSE;
    }
  }

  readData(dst: Uint8Array): number {
    const n = readData(this.core, dst);
    this.observer?.();
    return n;
  }

  writeData(src: Uint8Array): number {
    const n = writeData(this.core, src);
    this.observer?.();
    return n;
  }

  dataRoom(direction: 'read' | 'write'): number {
    return dataRoom(this.core, direction);
  }

  get busy(): boolean {
    return this.core.powered && this.core.busy;
  }

  get busyUntil(): number {
    return Math.max(this.core.now, this.core.powered ? this.core.busyEnd : 0);
  }

  /** TAAC (as advertised) plus NSAC clocks at the current mode's maximum clock. */
  get readLatencyNs(): number {
    const c = this.core;
    return c.limits.taacNs + Math.ceil((c.cfg.timing.nsacClocks / MODE_HZ[c.modes.hsTiming & 3]!) * 1e9);
  }

  /** Whether the card has power (setPower). */
  get powered(): boolean {
    return this.core.powered;
  }

  /** Whether a CMD23 block count waits for the read or write it applies to (for traces and tests). */
  get blockCountPending(): boolean {
    return this.core.blockCount !== null;
  }

  /** The device state now (for traces and tests; a host learns it from R1). */
  get state(): EmmcStateName {
    this.core.settle();
    return this.core.state;
  }

  get rca(): number {
    return this.core.rca;
  }

  /** True above 2 GiB: CMD17/18/24/25/35/36 take block numbers, not byte addresses. */
  get sectorMode(): boolean {
    return this.core.cfg.sectorMode;
  }

  /** Copies of CID and CSD (16 bytes, bit 127 first) and of EXT_CSD as CMD8 would send it. */
  get cid(): Uint8Array {
    return this.core.cid.slice();
  }

  get csd(): Uint8Array {
    return this.core.csd.slice();
  }

  get extCsd(): Uint8Array {
    return composeExtCsd(this.core.properties, this.core.modes);
  }

  /** Bytes in the volatile cache not yet written to the media. */
  get cacheDirtyBytes(): number {
    return this.core.cache?.dirtyBytes ?? 0;
  }

  /**
   * Fault injection for host models: the next command arrives with a bad CRC7, so the card
   * ignores it and reports COM_CRC_ERROR in the response after.
   */
  corruptNextCommand(): void {
    this.crcFault = true;
  }

  /** Everything but the backends' contents, as named fields (JSON-safe). */
  saveState(): EmmcCardState {
    return saveCoreState(this.core);
  }

  /** Restore saveState() output onto a card built with the same options. Throws TypeError if malformed. */
  loadState(state: EmmcCardState): void {
    loadCoreState(this.core, state);
  }

  private refusal(entry: EmmcCommand): string | null {
    const c = this.core;
    if (!entry.states.includes(c.state)) return c.busy && c.state === 'prg' ? 'card busy (programming)' : 'not legal in this state';
    const cmdq = c.modes.cmdqModeEn === 1;
    if (entry.notInCmdq && cmdq) return 'legacy data command while command queueing is on';
    if (entry.cmdqOnly && !cmdq) return 'command queueing is off';
    if (cmdq && c.queue && !c.queue.empty && !entry.queueSafe) return 'tasks are queued';
    return null;
  }

  /** No response; ILLEGAL_COMMAND in the next status. */
  private refuse(): SdResponse {
    this.core.pending |= R1.ILLEGAL_COMMAND;
    return NO_RESPONSE;
  }
}

export type { EmmcCardOptions, EmmcTiming } from './emmc_options.ts';
export type { EmmcPowerLoss, PowerCutReport } from './emmc_program.ts';
export type { EmmcCardState } from './emmc_state.ts';
export type { EmmcStateName } from './emmc_status.ts';
