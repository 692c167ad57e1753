// SPDX-License-Identifier: GPL-2.0
// CMD6 SWITCH (JEDEC §6.6.1, §7.4): the host writes one EXT_CSD byte of the modes segment, by
// set bits, clear bits or write byte. Only the fields below are writable, each with the values
// the device supports; anything else (a read-only byte, a property above 191, an unsupported
// value) leaves EXT_CSD alone and reports SWITCH_ERROR in the next status, as the spec's
// "E X" error type says. A valid switch holds DAT0 low for its busy time. QEMU hw/sd/sd.c
// accepts any byte below 192 with no validation, side effect or busy.
import { type EmmcCore, type Outcome, PART_BOOT0, PART_BOOT1, PART_RPMB, r1 } from './emmc_core.ts';
import { EXT_CSD, type ExtCsdModes, PART_ACCESS_MASK, PART_BOOT_MASK } from './emmc_ext_csd.ts';
import { DEVICE_TYPE } from './emmc_options.ts';
import { R1 } from './emmc_status.ts';

/** CMD6 access modes (argument bits 25:24). */
export const SWITCH_ACCESS = { COMMAND_SET: 0, SET_BITS: 1, CLEAR_BITS: 2, WRITE_BYTE: 3 } as const;

/** POWER_OFF_NOTIFICATION [34] values. */
export const POWER_OFF = { NONE: 0, POWERED_ON: 1, SHORT: 2, LONG: 3, SLEEP_NOTIFICATION: 4 } as const;

interface SwitchField {
  index: number;
  name: string;
  get(m: ExtCsdModes): number;
  /** Why @v cannot be written, or null. */
  check(v: number, core: EmmcCore): string | null;
  /** Store @v and do what it triggers; returns the busy time in ns. */
  apply(v: number, core: EmmcCore): number;
}

const oneOf = (v: number, ok: readonly number[]): string | null => (ok.includes(v) ? null : `value ${v} not supported`);
const switchNs = (core: EmmcCore): number => core.cfg.timing.switchNs;
const flushBusy = (core: EmmcCore): number => core.flushNs(core.flushCache());

const FIELDS: readonly SwitchField[] = [
  {
    index: EXT_CSD.CMDQ_MODE_EN,
    name: 'CMDQ_MODE_EN',
    get: (m) => m.cmdqModeEn,
    check: (v, core) => oneOf(v, [0, 1]) ?? (v === 1 && !core.queue ? 'command queue not supported' : null),
    apply: (v, core) => ((core.modes.cmdqModeEn = v), switchNs(core)),
  },
  {
    index: EXT_CSD.FLUSH_CACHE,
    name: 'FLUSH_CACHE',
    get: () => 0, // write-only, reads as zero
    check: (v) => (v === 1 ? null : 'only FLUSH (bit 0) is supported, no barrier'),
    apply: (_v, core) => flushBusy(core),
  },
  {
    index: EXT_CSD.CACHE_CTRL,
    name: 'CACHE_CTRL',
    get: (m) => m.cacheCtrl,
    check: (v, core) => oneOf(v, [0, 1]) ?? (v === 1 && !core.cache ? 'no cache (CACHE_SIZE 0)' : null),
    apply: (v, core) => {
      // Turning the cache off writes it back first, so nothing cached is stranded.
      const ns = v === 0 && core.modes.cacheCtrl === 1 ? flushBusy(core) : 0;
      core.modes.cacheCtrl = v;
      return switchNs(core) + ns;
    },
  },
  {
    index: EXT_CSD.POWER_OFF_NOTIFICATION,
    name: 'POWER_OFF_NOTIFICATION',
    get: (m) => m.powerOffNotification,
    check: (v, core) => {
      const cur = core.modes.powerOffNotification;
      if (v > POWER_OFF.SLEEP_NOTIFICATION) return `value ${v} not supported`;
      if (v === POWER_OFF.NONE && cur !== POWER_OFF.NONE) return 'cannot return to NO_POWER_NOTIFICATION';
      if (v > POWER_OFF.POWERED_ON && cur !== POWER_OFF.POWERED_ON) return 'power-off notification needs POWERED_ON first';
      return null;
    },
    apply: (v, core) => {
      core.modes.powerOffNotification = v;
      return switchNs(core) + (v > POWER_OFF.POWERED_ON ? flushBusy(core) : 0);
    },
  },
  {
    index: EXT_CSD.HPI_MGMT,
    name: 'HPI_MGMT',
    get: (m) => m.hpiMgmt,
    check: (v) => oneOf(v, [0, 1]),
    apply: (v, core) => ((core.modes.hpiMgmt = v), switchNs(core)),
  },
  {
    index: EXT_CSD.ERASE_GROUP_DEF,
    name: 'ERASE_GROUP_DEF',
    get: (m) => m.eraseGroupDef,
    check: (v) => oneOf(v, [0, 1]),
    apply: (v, core) => ((core.modes.eraseGroupDef = v), switchNs(core)),
  },
  {
    index: EXT_CSD.BOOT_BUS_CONDITIONS,
    name: 'BOOT_BUS_CONDITIONS',
    get: (m) => m.bootBusConditions,
    check: (v) => (v & ~0x1f ? 'reserved bits set' : null),
    apply: (v, core) => ((core.modes.bootBusConditions = v), switchNs(core)),
  },
  {
    index: EXT_CSD.PARTITION_CONFIG,
    name: 'PARTITION_CONFIG',
    get: (m) => m.partitionConfig,
    check: (v, core) => {
      if (v & 0x80) return 'reserved bit 7 set';
      const access = v & PART_ACCESS_MASK;
      if ((access === PART_BOOT0 || access === PART_BOOT1) && !core.cfg.bootPartitionBytes) return 'no boot partitions';
      if (access === PART_RPMB && !core.cfg.rpmbBytes) return 'no RPMB partition';
      if (access > PART_RPMB) return 'no general purpose partitions';
      const enable = (v >> 3) & 7;
      if (![0, 1, 2, 7].includes(enable)) return `boot partition enable ${enable} reserved`;
      return null;
    },
    apply: (v, core) => {
      const moved = (v & PART_ACCESS_MASK) !== core.partition;
      core.modes.partitionConfig = v & (PART_ACCESS_MASK | PART_BOOT_MASK);
      return moved ? core.cfg.timing.partitionSwitchNs : switchNs(core);
    },
  },
  {
    index: EXT_CSD.BUS_WIDTH,
    name: 'BUS_WIDTH',
    get: (m) => m.busWidth,
    check: (v, core) => {
      if (v & 0x80) return 'enhanced strobe not supported';
      const bad = oneOf(v, [0, 1, 2, 5, 6]);
      if (bad) return bad;
      const timing = core.modes.hsTiming & 0xf;
      const ddr = v >= 5;
      if (ddr && !(core.cfg.deviceType & (DEVICE_TYPE.DDR52_18_3V | DEVICE_TYPE.DDR52_12V))) return 'DDR not supported';
      if (ddr && timing !== 1 && timing !== 3) return 'DDR needs HS_TIMING high speed first';
      if (timing === 2 && (v === 0 || ddr)) return 'HS200 needs a 4- or 8-bit SDR bus';
      return null;
    },
    apply: (v, core) => ((core.modes.busWidth = v), switchNs(core)),
  },
  {
    index: EXT_CSD.HS_TIMING,
    name: 'HS_TIMING',
    get: (m) => m.hsTiming,
    check: (v, core) => {
      const type = core.cfg.deviceType;
      if (v >> 4) return `driver strength type ${v >> 4} not supported`;
      if (v === 1 && !(type & (DEVICE_TYPE.HS26 | DEVICE_TYPE.HS52))) return 'high speed not supported';
      if (v === 2 && !(type & (DEVICE_TYPE.HS200_18V | DEVICE_TYPE.HS200_12V))) return 'HS200 not supported';
      if (v === 2 && core.modes.busWidth !== 1 && core.modes.busWidth !== 2) return 'HS200 needs a 4- or 8-bit SDR bus';
      if (v === 3 && !(type & (DEVICE_TYPE.HS400_18V | DEVICE_TYPE.HS400_12V))) return 'HS400 not supported';
      if (v === 3 && core.modes.busWidth !== 6) return 'HS400 needs the 8-bit DDR bus';
      return v > 3 ? `timing ${v} reserved` : null;
    },
    apply: (v, core) => ((core.modes.hsTiming = v), switchNs(core)),
  },
  {
    index: EXT_CSD.POWER_CLASS,
    name: 'POWER_CLASS',
    get: (m) => m.powerClass,
    check: (v) => (v > 0x0f ? 'reserved bits set' : null),
    apply: (v, core) => ((core.modes.powerClass = v), switchNs(core)),
  },
];

const BY_INDEX: ReadonlyMap<number, SwitchField> = new Map(FIELDS.map((f) => [f.index, f]));

/** EXT_CSD indexes CMD6 can change. */
export const WRITABLE_EXT_CSD: readonly number[] = FIELDS.map((f) => f.index);

/** CMD6 SWITCH. */
export function doSwitch(core: EmmcCore, arg: number): Outcome {
  const access = (arg >>> 24) & 3;
  const index = (arg >>> 16) & 0xff;
  const value = (arg >>> 8) & 0xff;
  const refuse = (why: string): Outcome => {
    core.log('guest_error', `CMD6 SWITCH EXT_CSD[${index}] = 0x${value.toString(16)} (access ${access}): ${why}`);
    core.raise(R1.SWITCH_ERROR);
    return r1();
  };
  if (access === SWITCH_ACCESS.COMMAND_SET) {
    if ((arg & 7) !== 0) return refuse('only the standard command set (0) exists');
    return r1();
  }
  const field = BY_INDEX.get(index);
  if (!field) return refuse(index < 192 ? 'not a writable field' : 'read-only properties segment');
  const old = field.get(core.modes);
  const v = access === SWITCH_ACCESS.SET_BITS ? old | value : access === SWITCH_ACCESS.CLEAR_BITS ? old & ~value : value;
  const why = field.check(v, core);
  if (why) return refuse(`${field.name}: ${why}`);
  const ns = field.apply(v, core);
  core.state = 'prg';
  core.startBusy(ns);
  return r1();
}
