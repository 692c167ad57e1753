// SPDX-License-Identifier: GPL-2.0
// Construction options of the eMMC card model and their validation. The embedder configures
// the card the way a part number does: capacity (the backing stores), boot/RPMB sizes, cache,
// command queue, identity (CID), supported bus modes and timing. Everything is checked once
// here; a bad option is a RangeError/TypeError naming it, never a misbehaving card later.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import type { Clock } from '../../include/hw/clock.h.ts';
import { SparseBackend } from '../block/sparse.ts';
import { type EmmcPowerLoss, POWER_LOSS_MODES } from './emmc_program.ts';

/** Device timing, in nanoseconds of virtual time. Defaults: research §6.2 "suggested defaults". */
export interface EmmcTiming {
  /** After power-on, CMD1 reports busy (OCR bit 31 clear) this long. Default 1 ms. */
  powerUpNs: number;
  /** Read access time, advertised as CSD TAAC (rounded up to a TAAC code). Default 100 µs. */
  taacNs: number;
  /** Clock-dependent read access time, CSD NSAC, in clock cycles (multiple of 100, ≤ 25500). Default 0. */
  nsacClocks: number;
  /** Unit of programming time (bytes). Default 4096. */
  programUnitBytes: number;
  /** Busy per unit written to the media (DAT0 low after the last block). Default 250 µs. */
  programNs: number;
  /** Busy per unit written into the volatile cache. Default 10 µs. */
  cacheWriteNs: number;
  /** CMD6 busy for a register switch. Default 200 µs. */
  switchNs: number;
  /** CMD6 busy for a PARTITION_CONFIG access change. Default 1 ms. */
  partitionSwitchNs: number;
  /** CMD38 erase busy per erase group. Default 2 ms. */
  eraseNsPerGroup: number;
  /** CMD38 trim/discard busy per erase group touched. Default 1 ms. */
  trimNsPerGroup: number;
  /** Fixed cost of a cache flush, on top of programming the dirty data. Default 100 µs. */
  flushNs: number;
  /** CMD5 sleep or awake transition. Default 1 ms. */
  sleepAwakeNs: number;
  /** How soon programming stops after a High Priority Interrupt (CMD12 with HPI). Default 10 µs. */
  hpiNs: number;
}

export const DEFAULT_TIMING: Readonly<EmmcTiming> = {
  powerUpNs: 1_000_000,
  taacNs: 100_000,
  nsacClocks: 0,
  programUnitBytes: 4096,
  programNs: 250_000,
  cacheWriteNs: 10_000,
  switchNs: 200_000,
  partitionSwitchNs: 1_000_000,
  eraseNsPerGroup: 2_000_000,
  trimNsPerGroup: 1_000_000,
  flushNs: 100_000,
  sleepAwakeNs: 1_000_000,
  hpiNs: 10_000,
};

/** EXT_CSD DEVICE_TYPE bits (JEDEC §7.4.54 DEVICE_TYPE [196]). */
export const DEVICE_TYPE = {
  HS26: 1 << 0,
  HS52: 1 << 1,
  DDR52_18_3V: 1 << 2,
  DDR52_12V: 1 << 3,
  HS200_18V: 1 << 4,
  HS200_12V: 1 << 5,
  HS400_18V: 1 << 6,
  HS400_12V: 1 << 7,
} as const;

export type EmmcLogCategory = 'guest_error' | 'unimp';

export interface EmmcCardOptions {
  clock: Clock;
  /** The user data area; its size is the card's capacity (a multiple of 512 bytes). */
  user: BlockBackend;
  /** Boot partition stores; default: SparseBackend of bootPartitionBytes reading as erasedByte. */
  boot0?: BlockBackend;
  boot1?: BlockBackend;
  /** Storage reserved for RPMB (its frame protocol is not modelled). Default: SparseBackend of rpmbBytes. */
  rpmb?: BlockBackend;
  /** Size of each boot partition: a multiple of 128 KiB up to 255 × 128 KiB, 0 = none. Default 4 MiB or boot0's size. */
  bootPartitionBytes?: number;
  /** RPMB partition size: a multiple of 128 KiB up to 128 × 128 KiB, 0 = none. Default 0 or rpmb's size. */
  rpmbBytes?: number;
  /** Volatile cache size in KiB (EXT_CSD CACHE_SIZE); 0 = no cache. Default 0. */
  cacheKiB?: number;
  /** Command queue support (CMDQ_SUPPORT, CMDQ_DEPTH); depth 1..32. Default false. */
  cmdq?: { depth: number } | false;
  /** CID MID. Default 0x00. */
  manufacturerId?: number;
  /** CID OID (8 bits). Default 0x00. */
  oemId?: number;
  /** CID PNM, 1..6 printable ASCII characters (padded with spaces). Default 'TSEMMC'. */
  productName?: string;
  /** CID PRV. Default 0x10. */
  revision?: number;
  /** CID PSN (32 bits). Default 1. */
  serial?: number;
  /** CID MDT; year 2013..2028 (EXT_CSD_REV > 4 coding). Default 2024-01. */
  manufactured?: { year: number; month: number };
  /** EXT_CSD DEVICE_TYPE. Default HS26 | HS52 | DDR52 1.8/3 V | HS200 1.8 V. */
  deviceType?: number;
  /** What erased memory reads as (EXT_CSD ERASED_MEM_CONT). Default 0. */
  erasedByte?: 0 | 0xff;
  timing?: Partial<EmmcTiming>;
  /** Guest errors and unimplemented features, as QEMU's LOG_GUEST_ERROR / LOG_UNIMP. */
  log?: (category: EmmcLogCategory, msg: string) => void;
  /** Whether the card is powered when constructed (power-up starts at clock.now). Default true. */
  poweredOn?: boolean;
  /**
   * What the block being programmed holds when power is lost (blocks programmed before it are
   * new, those after it old; see emmc_program.ts): 'old', 'new', or 'torn' (a new prefix, as
   * long as the programming had got, over the old rest). Default 'torn'.
   */
  powerLoss?: EmmcPowerLoss;
}

/** The options after validation and defaults, plus what the registers derive from them. */
export interface EmmcConfig {
  clock: Clock;
  /** [user, boot0, boot1, rpmb]; null where the partition does not exist. */
  parts: readonly [BlockBackend, BlockBackend | null, BlockBackend | null, BlockBackend | null];
  bootPartitionBytes: number;
  rpmbBytes: number;
  cacheKiB: number;
  cmdqDepth: number;
  manufacturerId: number;
  oemId: number;
  productName: string;
  revision: number;
  serial: number;
  manufactured: { year: number; month: number };
  deviceType: number;
  erasedByte: 0 | 0xff;
  /** Block (sector) addressing: capacity above 2 GiB. */
  sectorMode: boolean;
  timing: EmmcTiming;
  log: (category: EmmcLogCategory, msg: string) => void;
  poweredOn: boolean;
  powerLoss: EmmcPowerLoss;
}

const KiB = 1024;
const BOOT_UNIT = 128 * KiB;
const TWO_GiB = 2 * 1024 * KiB * KiB;

const intIn = (what: string, v: unknown, lo: number, hi: number): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi)
    throw new RangeError(`EmmcCard ${what} must be an integer in ${lo}..${hi} (got ${String(v)})`);
  return v;
};

const backend = (what: string, b: unknown): BlockBackend => {
  const x = b as Partial<BlockBackend> | undefined;
  if (!x || typeof x.read !== 'function' || typeof x.write !== 'function' || typeof x.flush !== 'function' || typeof x.size !== 'number')
    throw new TypeError(`EmmcCard ${what} must be a BlockBackend`);
  return x as BlockBackend;
};

/** Size of a boot/RPMB area from an explicit option and/or given stores; they must agree. */
const areaSize = (what: string, explicit: number | undefined, stores: (BlockBackend | undefined)[], dflt: number, maxUnits: number): number => {
  const given = stores.filter((s): s is BlockBackend => s !== undefined).map((s) => s.size);
  if (given.some((g) => g !== given[0])) throw new RangeError(`EmmcCard ${what}: the partitions' stores differ in size (${given.join(', ')})`);
  const size = explicit ?? given[0] ?? dflt;
  intIn(what, size, 0, maxUnits * BOOT_UNIT);
  if (size % BOOT_UNIT !== 0) throw new RangeError(`EmmcCard ${what} must be a multiple of 128 KiB (got ${size})`);
  if (given.length && given[0] !== size) throw new RangeError(`EmmcCard ${what} is ${size} but the given store is ${given[0]} bytes`);
  return size;
};

/** Validate @o and fill in defaults. Throws TypeError/RangeError naming the bad option. */
export function resolveOptions(o: EmmcCardOptions): EmmcConfig {
  if (!o || typeof o !== 'object') throw new TypeError('EmmcCard options must be an object');
  const clock = o.clock as Partial<Clock> | undefined;
  if (!clock || typeof clock.at !== 'function' || typeof clock.now !== 'number') throw new TypeError('EmmcCard clock must be a Clock');
  const user = backend('user', o.user);
  if (user.size <= 0 || user.size % 512 !== 0 || user.size > 0xffff_ffff * 512)
    throw new RangeError(`EmmcCard user.size must be a positive multiple of 512 up to 2 TiB (got ${user.size})`);
  if (user.size <= TWO_GiB && !csdCapacityFits(user.size))
    throw new RangeError(
      `EmmcCard user.size ${user.size}: a card of 2 GiB or less reports its size in the CSD, as (C_SIZE+1)·2^(C_SIZE_MULT+2)·2^READ_BL_LEN bytes; pick a size of that form (e.g. a multiple of 512 KiB)`,
    );
  for (const k of ['boot0', 'boot1', 'rpmb'] as const) if (o[k] !== undefined) backend(k, o[k]);
  const erasedByte = o.erasedByte ?? 0;
  if (erasedByte !== 0 && erasedByte !== 0xff) throw new RangeError(`EmmcCard erasedByte must be 0 or 0xff (got ${String(erasedByte)})`);
  const bootPartitionBytes = areaSize('bootPartitionBytes', o.bootPartitionBytes, [o.boot0, o.boot1], 4 * 1024 * KiB, 255);
  if (bootPartitionBytes === 0 && (o.boot0 || o.boot1)) throw new RangeError('EmmcCard bootPartitionBytes is 0 but boot0/boot1 stores were given');
  const rpmbBytes = areaSize('rpmbBytes', o.rpmbBytes, [o.rpmb], 0, 128);
  if (rpmbBytes === 0 && o.rpmb) throw new RangeError('EmmcCard rpmbBytes is 0 but an rpmb store was given');
  const area = (b: BlockBackend | undefined, size: number): BlockBackend | null => (size === 0 ? null : (b ?? new SparseBackend({ size, fill: erasedByte })));

  const cmdq = o.cmdq ?? false;
  if (cmdq !== false && (typeof cmdq !== 'object' || cmdq === null)) throw new TypeError('EmmcCard cmdq must be false or { depth }');
  const cmdqDepth = cmdq === false ? 0 : intIn('cmdq.depth', cmdq.depth, 1, 32);

  const name = o.productName ?? 'TSEMMC';
  if (typeof name !== 'string' || !/^[\x20-\x7e]{1,6}$/.test(name))
    throw new RangeError(`EmmcCard productName must be 1..6 printable ASCII characters (got ${JSON.stringify(name)})`);
  const manufactured = o.manufactured ?? { year: 2024, month: 1 };
  intIn('manufactured.year', manufactured?.year, 2013, 2028);
  intIn('manufactured.month', manufactured?.month, 1, 12);

  const timing: EmmcTiming = { ...DEFAULT_TIMING };
  for (const [k, v] of Object.entries(o.timing ?? {})) {
    if (!(k in DEFAULT_TIMING)) throw new TypeError(`EmmcCard timing.${k} is not a timing option`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`EmmcCard timing.${k} must be a non-negative number of ns (got ${String(v)})`);
    timing[k as keyof EmmcTiming] = v;
  }
  if (timing.programUnitBytes < 512 || timing.programUnitBytes % 512 !== 0)
    throw new RangeError(`EmmcCard timing.programUnitBytes must be a positive multiple of 512 (got ${timing.programUnitBytes})`);
  if (timing.nsacClocks % 100 !== 0 || timing.nsacClocks > 25500)
    throw new RangeError(`EmmcCard timing.nsacClocks must be a multiple of 100 up to 25500 (got ${timing.nsacClocks})`);
  if (timing.taacNs > 80_000_000) throw new RangeError(`EmmcCard timing.taacNs must be at most 80 ms, the largest TAAC (got ${timing.taacNs})`);

  const powerLoss = o.powerLoss ?? 'torn';
  if (!POWER_LOSS_MODES.includes(powerLoss)) throw new RangeError(`EmmcCard powerLoss must be one of ${POWER_LOSS_MODES.join(', ')} (got ${String(powerLoss)})`);

  const log = o.log ?? (() => {});
  if (typeof log !== 'function') throw new TypeError('EmmcCard log must be a function');
  return {
    clock: o.clock,
    parts: [user, area(o.boot0, bootPartitionBytes), area(o.boot1, bootPartitionBytes), area(o.rpmb, rpmbBytes)],
    bootPartitionBytes,
    rpmbBytes,
    cacheKiB: intIn('cacheKiB', o.cacheKiB ?? 0, 0, 0xffff_ffff),
    cmdqDepth,
    manufacturerId: intIn('manufacturerId', o.manufacturerId ?? 0, 0, 0xff),
    oemId: intIn('oemId', o.oemId ?? 0, 0, 0xff),
    productName: name.padEnd(6, ' '),
    revision: intIn('revision', o.revision ?? 0x10, 0, 0xff),
    serial: intIn('serial', o.serial ?? 1, 0, 0xffff_ffff),
    manufactured: { year: manufactured.year, month: manufactured.month },
    deviceType: intIn('deviceType', o.deviceType ?? DEVICE_TYPE.HS26 | DEVICE_TYPE.HS52 | DEVICE_TYPE.DDR52_18_3V | DEVICE_TYPE.HS200_18V, 0, 0xff),
    erasedByte,
    sectorMode: user.size > TWO_GiB,
    timing,
    log,
    poweredOn: o.poweredOn ?? true,
    powerLoss,
  };
}

/** CSD size fields for a byte-addressed card of @bytes, or null if none encodes it exactly. */
export function csdCapacity(bytes: number): { cSize: number; cSizeMult: number; readBlLen: number } | null {
  for (let readBlLen = 9; readBlLen <= 11; readBlLen++)
    for (let cSizeMult = 0; cSizeMult <= 7; cSizeMult++) {
      const unit = 2 ** (cSizeMult + 2 + readBlLen);
      if (bytes % unit === 0 && bytes / unit >= 1 && bytes / unit <= 4096) return { cSize: bytes / unit - 1, cSizeMult, readBlLen };
    }
  return null;
}

const csdCapacityFits = (bytes: number): boolean => csdCapacity(bytes) !== null;
