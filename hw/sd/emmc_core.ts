// SPDX-License-Identifier: GPL-2.0
// The eMMC card's state and the operations its commands share: partitions and addressing, the
// cache, DAT0 busy on the injected clock, card status reporting, resets. The command handlers
// (emmc_commands.ts and friends) work on this object; EmmcCard (emmc.ts) is the public face.
// Time is read, never scheduled: busy and power-up end when the clock passes their deadline,
// and the state follows lazily (settle()), so the model owns no timers.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import type { Clock } from '../../include/hw/clock.h.ts';
import { copyRange, exchangeRange } from '../block/exchange.ts';
import { WriteCache } from './emmc_cache.ts';
import { TaskQueue } from './emmc_cmdq.ts';
import type { Transfer } from './emmc_data.ts';
import { buildExtCsdProperties, type DeviceLimits, deriveLimits, type ExtCsdModes, PART_ACCESS_MASK, resetModes } from './emmc_ext_csd.ts';
import type { EmmcConfig, EmmcLogCategory } from './emmc_options.ts';
import { MediaProgramming, type PowerCutReport } from './emmc_program.ts';
import { buildCid, buildCsd } from './emmc_regs.ts';
import { type EmmcStateName, R1, R1_STATE_SHIFT, STATE_CODE } from './emmc_status.ts';

/** What a command handler answers. */
export type Outcome =
  /** R1 or R1b; @errors are reported in this response (JEDEC error type "R"). */
  | { readonly kind: 'r1'; readonly errors: number }
  | { readonly kind: 'r2'; readonly reg: Uint8Array }
  | { readonly kind: 'r3'; readonly word: number }
  /** A 32-bit word that is not card status (CMD13's Queue Status Register). */
  | { readonly kind: 'raw'; readonly word: number }
  /** No response by design (CMD0, CMD15, a CMD7 that deselects). */
  | { readonly kind: 'none' }
  /** Refused: no response, ILLEGAL_COMMAND in the next status. */
  | { readonly kind: 'illegal'; readonly why: string };

export const r1 = (errors = 0): Outcome => ({ kind: 'r1', errors });
export const NONE: Outcome = { kind: 'none' };
export const illegal = (why: string): Outcome => ({ kind: 'illegal', why });

/** Partition numbers, as PARTITION_CONFIG's access bits name them. */
export const PART_USER = 0;
export const PART_BOOT0 = 1;
export const PART_BOOT1 = 2;
export const PART_RPMB = 3;
export const PART_NAMES = ['user', 'boot0', 'boot1', 'rpmb'] as const;

export const BLOCK = 512;

/** CMD23's argument, waiting for the CMD18/CMD25 it applies to. */
export interface BlockCount {
  count: number;
  reliable: boolean;
  forced: boolean;
}

/** Erase group start/end (CMD35/CMD36), as block numbers in the selected partition. */
export interface EraseSequence {
  start: number | null;
  end: number | null;
}

/** A range marked by secure trim step 1, erased by step 2. */
export interface TrimMark {
  part: number;
  block: number;
  count: number;
}

export class EmmcCore {
  readonly clock: Clock;
  readonly parts: readonly (BlockBackend | null)[];
  readonly limits: DeviceLimits;
  readonly cid: Uint8Array;
  readonly csd: Uint8Array;
  /** EXT_CSD with the writable fields zero; see composeExtCsd(). */
  readonly properties: Uint8Array;
  readonly cache: WriteCache | null;
  readonly queue: TaskQueue | null;
  /** Blocks on the media whose programming has not completed: what a power cut undoes. */
  readonly program = new MediaProgramming();

  powered = false;
  state: EmmcStateName = 'idle';
  rca = 1;
  /** CMD1 reports power-up done (OCR bit 31) from this time on. */
  powerUpAt = 0;
  /** DAT0 is held low until this time. */
  busyEnd = 0;
  /** Status bits waiting for the next R1 (clear-on-read errors, ILLEGAL_COMMAND). */
  pending = 0;
  blockLen = BLOCK;
  blockCount: BlockCount | null = null;
  modes: ExtCsdModes = resetModes(null);
  erase: EraseSequence = { start: null, end: null };
  trimMarks: TrimMark[] = [];
  transfer: Transfer | null = null;
  /** What the host sent with CMD19 (BUSTEST_W). */
  busTest: Uint8Array | null = null;
  /** Errors a running command found, for the response after its own (error type "X"). */
  private deferred = 0;
  private inCommand = false;

  constructor(readonly cfg: EmmcConfig) {
    this.clock = cfg.clock;
    this.parts = cfg.parts;
    this.limits = deriveLimits(cfg);
    this.cid = buildCid(cfg);
    // Command classes: basic (0), block read (2), block write (4), erase (5), and command queue (11).
    const ccc = (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (cfg.cmdqDepth ? 1 << 11 : 0);
    this.csd = buildCsd(cfg, { taacCode: this.limits.taacCode, nsacClocks: cfg.timing.nsacClocks, r2wFactor: this.limits.r2wFactor, ccc });
    this.properties = buildExtCsdProperties(cfg, this.limits);
    this.cache = cfg.cacheKiB ? new WriteCache(cfg.cacheKiB * 1024) : null;
    this.queue = cfg.cmdqDepth ? new TaskQueue(cfg.cmdqDepth) : null;
  }

  get now(): number {
    return this.clock.now;
  }

  get busy(): boolean {
    return this.now < this.busyEnd;
  }

  log(category: EmmcLogCategory, msg: string): void {
    this.cfg.log(category, msg);
  }

  /** Let the state catch up with the clock: programming that ended returns the card to tran/stby. */
  settle(): void {
    this.program.settle(this.now);
    if (this.busy) return;
    if (this.state === 'prg') this.state = 'tran';
    else if (this.state === 'dis') this.state = 'stby';
  }

  /** Hold DAT0 low for @ns from now. */
  startBusy(ns: number): void {
    this.busyEnd = this.now + ns;
  }

  /** Report @bits in the response after the current one (or the next one, between commands). */
  raise(bits: number): void {
    if (this.inCommand) this.deferred |= bits;
    else this.pending |= bits;
  }

  /** Bracket a command handler, so errors it raises skip its own response. */
  beginCommand(): void {
    this.inCommand = true;
    this.deferred = 0;
  }

  /** End a command; returns the status bits its own response carries and moves deferred ones on. */
  endCommand(responded: boolean, errors: number): number {
    this.inCommand = false;
    let bits = 0;
    if (responded) {
      bits = this.pending | errors;
      this.pending = 0;
    } else this.pending |= errors;
    this.pending |= this.deferred;
    this.deferred = 0;
    return bits;
  }

  /** An R1 word: @bits, CURRENT_STATE = @before, READY_FOR_DATA from the state now. */
  statusWord(before: EmmcStateName, bits: number): number {
    const code = before === 'inactive' ? 0 : STATE_CODE[before];
    const ready = this.busy || this.state === 'prg' || this.state === 'dis' ? 0 : R1.READY_FOR_DATA;
    return (bits | (code << R1_STATE_SHIFT) | ready) >>> 0;
  }

  /** The partition PARTITION_CONFIG's access bits select. */
  get partition(): number {
    return this.modes.partitionConfig & PART_ACCESS_MASK;
  }

  partBlocks(part: number): number {
    return (this.parts[part]?.size ?? 0) / BLOCK;
  }

  /** A data address as a block number: sectors in sector mode, bytes (block-aligned) otherwise. */
  toBlock(arg: number): number | null {
    if (this.cfg.sectorMode) return arg;
    return arg % BLOCK === 0 ? arg / BLOCK : null;
  }

  get cacheOn(): boolean {
    return this.cache !== null && this.modes.cacheCtrl === 1;
  }

  /** Media content of @dst.length / 512 blocks from @block of @part, as the host sees it. */
  readBlocks(part: number, block: number, dst: Uint8Array): void {
    this.parts[part]!.read(block * BLOCK, dst);
    this.cache?.overlay(part, block, dst);
  }

  /**
   * Store whole blocks; through the cache unless @direct (reliable write, forced programming,
   * cache off). Returns bytes that went to the media because the cache was full.
   */
  writeBlocks(part: number, block: number, src: Uint8Array, direct: boolean): number {
    const cache = this.cache;
    if (direct || !cache || !this.cacheOn) {
      this.program.record(part, block, exchangeRange(this.parts[part]!, block * BLOCK, src));
      cache?.invalidate(part, block, src.length / BLOCK);
      return 0;
    }
    let evicted = 0;
    for (let i = 0; i < src.length / BLOCK; i++) {
      if (cache.full && !cache.has(part, block + i)) evicted += this.writeBack();
      cache.put(part, block + i, src.subarray(i * BLOCK, (i + 1) * BLOCK));
    }
    return evicted;
  }

  /** Write the cache back; returns the bytes programmed. They program after the flush's fixed cost (flushNs). */
  flushCache(): number {
    const bytes = this.writeBack();
    if (bytes) this.program.schedule(this.now + this.cfg.timing.flushNs, this.programNs(bytes));
    return bytes;
  }

  /** The cache to the media, each block's old bytes kept until it is programmed (unscheduled). */
  private writeBack(): number {
    const cache = this.cache;
    if (!cache) return 0;
    // In the order WriteCache.flush() writes them: by partition, then address.
    for (const e of cache.entries().sort((a, b) => a.part - b.part || a.block - b.block)) this.program.record(e.part, e.block, copyRange(this.parts[e.part]!, e.block * BLOCK, BLOCK));
    return cache.flush(this.parts);
  }

  /** Power is gone: undo what the media had not finished programming (cfg.powerLoss for the block in flight). */
  powerCut(): PowerCutReport {
    return this.program.powerCut(this.now, this.parts, this.cfg.powerLoss);
  }

  /** Busy time of programming @bytes to the media. */
  programNs(bytes: number): number {
    const t = this.cfg.timing;
    return Math.ceil(bytes / t.programUnitBytes) * t.programNs;
  }

  /** Busy time of taking @bytes into the cache. */
  cacheNs(bytes: number): number {
    const t = this.cfg.timing;
    return Math.ceil(bytes / t.programUnitBytes) * t.cacheWriteNs;
  }

  /** Busy time of a flush that programmed @bytes. */
  flushNs(bytes: number): number {
    return this.cfg.timing.flushNs + this.programNs(bytes);
  }

  /**
   * Back to idle with the volatile registers at their defaults: RCA, block length, CMD23,
   * erase sequence, transfers, queue, and the R/W/E_P EXT_CSD fields (bus width, timing,
   * partition access, cache and CMDQ enables). Non-volatile fields and the media stay.
   */
  resetVolatile(): void {
    // A write whose data phase a reset ends is programmed from now on, as if it had ended.
    this.program.schedule(this.now, this.programNs(this.program.unscheduledBytes));
    this.state = 'idle';
    this.rca = 1;
    this.busyEnd = 0;
    this.pending = 0;
    this.blockLen = BLOCK;
    this.blockCount = null;
    this.modes = resetModes(this.modes);
    this.erase = { start: null, end: null };
    this.trimMarks = [];
    this.transfer = null;
    this.busTest = null;
    this.queue?.clear();
  }
}
