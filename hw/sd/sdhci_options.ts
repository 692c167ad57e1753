// SPDX-License-Identifier: GPL-2.0
// Construction options of the SD Host Controller model and their validation, and the read-only
// registers they fix: Capabilities (SD Host Controller Simplified Spec 3.00 §2.2.26/§2.2.27),
// Maximum Current (§2.2.28) and Host Controller Version (§2.2.33). QEMU's counterpart is the
// "capareg"/"maxcurr"/"sd-spec-version" properties of hw/sd/sdhci.c and their checks in
// sdhci_init_readonly_registers(). A bad option is a TypeError/RangeError naming it.
import type { Clock } from '../../include/hw/clock.h.ts';
import type { DmaMemory } from '../../include/hw/dma.h.ts';
import type { IrqLine } from '../../include/hw/irq.h.ts';
import type { SdCard } from '../../include/hw/sd.h.ts';
import * as R from '../../include/hw/sdhci.h.ts';

export type SdhciSpec = '2.00' | '3.00' | '4.00';
export type SdhciLogCategory = 'guest_error' | 'unimp';
/** What a register read answers while the platform gates the controller's clocks. */
export type SdhciGatedAccess = 'ones' | 'zeros' | 'bus-error';

/** What the controller can do, as its Capabilities registers advertise it. Defaults: all true, 512. */
export interface SdhciCapsOptions {
  sdma?: boolean;
  adma2?: boolean;
  /** 64-bit system addresses for ADMA2 (Capabilities b28; b27 too for spec 4.00). Needs adma2. */
  adma64?: boolean;
  bus8bit?: boolean;
  highSpeed?: boolean;
  /** SDR104 (Linux: HS200) and SDR50 in Capabilities 1 (spec ≥ 3.00). */
  sdr104?: boolean;
  /** DDR50 (Linux: DDR52 for eMMC) in Capabilities 1 (spec ≥ 3.00). */
  ddr50?: boolean;
  /** 1.8 V supply (Capabilities b26) and 1.8 V signalling (Host Control 2 b3). */
  v18?: boolean;
  /** Largest block the buffer holds. */
  maxBlock?: 512 | 1024 | 2048;
}

/** A register access the platform answered with a bus error (gatedAccess 'bus-error'). */
export interface SdhciBusError {
  offset: number;
  size: number;
  write: boolean;
}

export interface SdhciOptions {
  clock: Clock;
  /** The card in the slot, or null for an empty slot. */
  card: SdCard | null;
  irq: IrqLine;
  dma: DmaMemory;
  /** Specification version the controller implements. Default '3.00'. */
  spec?: SdhciSpec;
  /** Base clock for SD clock generation, Hz: a whole number of MHz. Default 200 MHz. */
  baseClockHz?: number;
  /** Data timeout counter clock (TMCLK), Hz: whole kHz up to 63 kHz, or whole MHz up to 63 MHz. Default 1 MHz. */
  timeoutClockHz?: number;
  caps?: SdhciCapsOptions;
  /** Register reads while clocks are gated. Default 'ones'. Writes are always dropped. */
  gatedAccess?: SdhciGatedAccess;
  /** Told of every access answered with a bus error (gatedAccess 'bus-error'). */
  onBusError?: (e: SdhciBusError) => void;
  /**
   * How long the card keeps its supply after SD Bus Power goes off (decoupling hold-up), ns.
   * A power-off shorter than this (Linux's RESET_ALL + set_ios on runtime resume) does not
   * reset the card. Default 1 ms; 0 cuts the card's power at once.
   */
  powerHoldUpNs?: number;
  /** Guest errors and unimplemented features, as QEMU's LOG_GUEST_ERROR / LOG_UNIMP. */
  log?: (category: SdhciLogCategory, msg: string) => void;
}

/** The options after validation and defaults, with the read-only registers derived from them. */
export interface SdhciConfig {
  clock: Clock;
  card: SdCard | null;
  irq: IrqLine;
  dma: DmaMemory;
  spec: SdhciSpec;
  /** SDHCI_SPEC_200/300/400. */
  specVersion: number;
  baseClockHz: number;
  timeoutClockHz: number;
  caps: Required<SdhciCapsOptions>;
  gatedAccess: SdhciGatedAccess;
  onBusError: (e: SdhciBusError) => void;
  powerHoldUpNs: number;
  log: (category: SdhciLogCategory, msg: string) => void;
  /** SDHCI_CAPABILITIES, SDHCI_CAPABILITIES_1, SDHCI_MAX_CURRENT, SDHCI_HOST_VERSION. */
  capabilities: number;
  capabilities1: number;
  maxCurrent: number;
  hostVersion: number;
}

const SPEC_VERSION: Record<SdhciSpec, number> = { '2.00': R.SDHCI_SPEC_200, '3.00': R.SDHCI_SPEC_300, '4.00': R.SDHCI_SPEC_400 };
const CAP_KEYS = ['sdma', 'adma2', 'adma64', 'bus8bit', 'highSpeed', 'sdr104', 'ddr50', 'v18', 'maxBlock'] as const;
const OPTION_KEYS = new Set(['clock', 'card', 'irq', 'dma', 'spec', 'baseClockHz', 'timeoutClockHz', 'caps', 'gatedAccess', 'onBusError', 'powerHoldUpNs', 'log']);

const fn = (o: unknown, name: string): boolean => typeof (o as Record<string, unknown> | null)?.[name] === 'function';

const requireShape = (what: string, v: unknown, methods: readonly string[]): void => {
  if (typeof v !== 'object' || v === null || !methods.every((m) => fn(v, m))) throw new TypeError(`SdhciController ${what} must have ${methods.join('(), ')}()`);
};

/** The Capabilities field of the timeout clock (b5:0 with the unit in b7). */
const timeoutClockField = (hz: number): number => {
  if (hz % 1e6 === 0 && hz / 1e6 >= 1 && hz / 1e6 <= 63) return (hz / 1e6) | R.SDHCI_TIMEOUT_CLK_UNIT;
  if (hz % 1e3 === 0 && hz / 1e3 >= 1 && hz / 1e3 <= 63) return hz / 1e3;
  throw new RangeError(`SdhciController timeoutClockHz must be 1..63 kHz or 1..63 MHz in whole units (got ${String(hz)})`);
};

/** Throws TypeError/RangeError for a bad option, naming it. */
export function resolveOptions(o: SdhciOptions): SdhciConfig {
  if (typeof o !== 'object' || o === null) throw new TypeError('SdhciController options must be an object');
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) throw new TypeError(`SdhciController option ${k} is not an option`);
  requireShape('clock', o.clock, ['at', 'cancel']);
  if (typeof o.clock.now !== 'number') throw new TypeError('SdhciController clock must have a numeric now');
  requireShape('irq', o.irq, ['set']);
  requireShape('dma', o.dma, ['read', 'write']);
  if (o.card !== null) requireShape('card (or null)', o.card, ['setPower', 'command', 'readData', 'writeData']);
  const spec = o.spec ?? '3.00';
  if (!(spec in SPEC_VERSION)) throw new RangeError(`SdhciController spec must be '2.00', '3.00' or '4.00' (got ${String(spec)})`);
  const v3 = spec !== '2.00';

  const baseClockHz = o.baseClockHz ?? 200e6;
  const maxMHz = v3 ? 255 : 63;
  if (typeof baseClockHz !== 'number' || baseClockHz % 1e6 !== 0 || baseClockHz < 1e6 || baseClockHz > maxMHz * 1e6)
    throw new RangeError(`SdhciController baseClockHz must be a whole number of MHz in 1..${maxMHz} MHz for spec ${spec} (got ${String(baseClockHz)})`);
  const timeoutClockHz = o.timeoutClockHz ?? 1e6;
  if (typeof timeoutClockHz !== 'number') throw new RangeError('SdhciController timeoutClockHz must be a number');
  const timeoutField = timeoutClockField(timeoutClockHz);

  const given = o.caps ?? {};
  if (typeof given !== 'object' || given === null) throw new TypeError('SdhciController caps must be an object');
  for (const k of Object.keys(given)) if (!(CAP_KEYS as readonly string[]).includes(k)) throw new TypeError(`SdhciController caps.${k} is not a capability`);
  const flag = (k: Exclude<(typeof CAP_KEYS)[number], 'maxBlock'>): boolean => {
    const v = given[k] ?? true;
    if (typeof v !== 'boolean') throw new TypeError(`SdhciController caps.${k} must be a boolean`);
    return v;
  };
  const caps: Required<SdhciCapsOptions> = {
    sdma: flag('sdma'),
    adma2: flag('adma2'),
    adma64: flag('adma64'),
    bus8bit: flag('bus8bit'),
    highSpeed: flag('highSpeed'),
    sdr104: flag('sdr104'),
    ddr50: flag('ddr50'),
    v18: flag('v18'),
    maxBlock: given.maxBlock ?? 512,
  };
  if (![512, 1024, 2048].includes(caps.maxBlock)) throw new RangeError(`SdhciController caps.maxBlock must be 512, 1024 or 2048 (got ${String(caps.maxBlock)})`);

  const gatedAccess = o.gatedAccess ?? 'ones';
  if (!['ones', 'zeros', 'bus-error'].includes(gatedAccess)) throw new RangeError(`SdhciController gatedAccess must be 'ones', 'zeros' or 'bus-error' (got ${String(gatedAccess)})`);
  const powerHoldUpNs = o.powerHoldUpNs ?? 1_000_000;
  if (typeof powerHoldUpNs !== 'number' || !Number.isFinite(powerHoldUpNs) || powerHoldUpNs < 0) throw new RangeError(`SdhciController powerHoldUpNs must be a non-negative number of ns (got ${String(powerHoldUpNs)})`);
  if (o.log !== undefined && typeof o.log !== 'function') throw new TypeError('SdhciController log must be a function');
  if (o.onBusError !== undefined && typeof o.onBusError !== 'function') throw new TypeError('SdhciController onBusError must be a function');

  const adma64 = caps.adma2 && caps.adma64;
  const capabilities =
    (timeoutField |
      ((baseClockHz / 1e6) << R.SDHCI_CLOCK_BASE_SHIFT) |
      ({ 512: 0, 1024: 1, 2048: 2 }[caps.maxBlock] << R.SDHCI_MAX_BLOCK_SHIFT) |
      (caps.bus8bit ? R.SDHCI_CAN_DO_8BIT : 0) |
      (caps.adma2 ? R.SDHCI_CAN_DO_ADMA2 : 0) |
      (caps.highSpeed ? R.SDHCI_CAN_DO_HISPD : 0) |
      (caps.sdma ? R.SDHCI_CAN_DO_SDMA : 0) |
      R.SDHCI_CAN_VDD_330 |
      (caps.v18 ? R.SDHCI_CAN_VDD_180 : 0) |
      (adma64 ? R.SDHCI_CAN_64BIT : 0) |
      (adma64 && spec === '4.00' ? R.SDHCI_CAN_64BIT_V4 : 0)) >>>
    0;
  const capabilities1 = v3 ? (caps.sdr104 ? R.SDHCI_SUPPORT_SDR104 | R.SDHCI_SUPPORT_SDR50 : 0) | (caps.ddr50 ? R.SDHCI_SUPPORT_DDR50 : 0) : 0;
  // 800 mA at 3.3 V (and at 1.8 V), in units of 4 mA.
  const maxCurrent = 200 | (caps.v18 ? 200 << 16 : 0);

  return {
    clock: o.clock,
    card: o.card,
    irq: o.irq,
    dma: o.dma,
    spec,
    specVersion: SPEC_VERSION[spec],
    baseClockHz,
    timeoutClockHz,
    caps: { ...caps, adma64 },
    gatedAccess,
    onBusError: o.onBusError ?? (() => {}),
    powerHoldUpNs,
    log: o.log ?? (() => {}),
    capabilities,
    capabilities1,
    maxCurrent,
    hostVersion: SPEC_VERSION[spec],
  };
}
