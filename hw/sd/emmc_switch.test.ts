import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { DEVICE_TYPE } from './emmc_options.ts';
import { R1, r1State } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';

/** What Linux's __mmc_switch status check treats as an error. */
const LINUX_SWITCH_ERRORS = 0xffff_e000 | R1.SWITCH_ERROR;

const make = (extra: Partial<EmmcCardOptions> = {}) => {
  const clock = new ManualClock();
  const logs: string[] = [];
  const card = new EmmcCard({ clock, user: new SparseBackend({ size: 16 * 1024 ** 3 }), log: (_c, m) => logs.push(m), ...extra });
  const host = new RawHost(card, clock);
  host.bringUp();
  return { clock, card, host, logs };
};

const writeByte = (index: number, value: number): number => ((3 << 24) | (index << 16) | (value << 8)) >>> 0;

describe('EmmcCard CMD6 SWITCH', () => {
  it('refuses a read-only byte: SWITCH_ERROR in the next status, EXT_CSD unchanged, no busy', () => {
    const { host, card, logs } = make();
    const before = card.extCsd;
    const r = host.word(6, writeByte(EXT_CSD.ERASED_MEM_CONT, 1));
    expect(r & R1.SWITCH_ERROR).toBe(0);
    expect(card.busy).toBe(false);
    const s = host.status();
    expect(s & R1.SWITCH_ERROR).toBeTruthy();
    expect(r1State(s)).toBe('tran');
    expect(host.status() & R1.SWITCH_ERROR).toBe(0);
    expect(logs.at(-1)).toMatch(/EXT_CSD\[181\].*not a writable field/);
    expect(host.switch(EXT_CSD.EXT_CSD_REV, 5) & R1.SWITCH_ERROR).toBeTruthy();
    expect(host.switch(EXT_CSD.SEC_COUNT, 0) & R1.SWITCH_ERROR).toBeTruthy();
    expect(card.extCsd).toEqual(before);
  });

  it('refuses values the device does not support', () => {
    const { host, card } = make({ deviceType: DEVICE_TYPE.HS26 | DEVICE_TYPE.HS52 });
    expect(host.switch(EXT_CSD.HS_TIMING, 2) & R1.SWITCH_ERROR).toBeTruthy(); // no HS200
    expect(host.switch(EXT_CSD.BUS_WIDTH, 3) & R1.SWITCH_ERROR).toBeTruthy(); // reserved width
    expect(host.switch(EXT_CSD.BUS_WIDTH, 6) & R1.SWITCH_ERROR).toBeTruthy(); // no DDR
    expect(host.switch(EXT_CSD.CACHE_CTRL, 1) & R1.SWITCH_ERROR).toBeTruthy(); // no cache
    expect(host.switch(EXT_CSD.CMDQ_MODE_EN, 1) & R1.SWITCH_ERROR).toBeTruthy(); // no CMDQ
    expect(host.switch(EXT_CSD.PARTITION_CONFIG, 3) & R1.SWITCH_ERROR).toBeTruthy(); // no RPMB
    expect(host.switch(EXT_CSD.PARTITION_CONFIG, 4) & R1.SWITCH_ERROR).toBeTruthy(); // no GP1
    expect(host.switch(EXT_CSD.POWER_OFF_NOTIFICATION, 2) & R1.SWITCH_ERROR).toBeTruthy(); // not POWERED_ON yet
    expect(card.extCsd[EXT_CSD.HS_TIMING]).toBe(0);
    expect(card.extCsd[EXT_CSD.BUS_WIDTH]).toBe(0);
    expect(card.extCsd[EXT_CSD.PARTITION_CONFIG]).toBe(0);
  });

  it('accepts the switches of Linux mmc_init_card for an HS200 card with cache and HPI', () => {
    const { host, card } = make({ cacheKiB: 512 });
    const seq: [number, number][] = [
      [EXT_CSD.ERASE_GROUP_DEF, 1],
      [EXT_CSD.POWER_OFF_NOTIFICATION, 1],
      [EXT_CSD.BUS_WIDTH, 2],
      [EXT_CSD.HS_TIMING, 2],
      [EXT_CSD.HPI_MGMT, 1],
      [EXT_CSD.CACHE_CTRL, 1],
    ];
    for (const [i, v] of seq) {
      expect(host.switch(i, v) & LINUX_SWITCH_ERRORS).toBe(0);
      expect(card.extCsd[i]).toBe(v);
    }
    // HS400 the way Linux gets there from HS200: HS, 8-bit DDR, HS400 - not offered by this deviceType.
    expect(host.switch(EXT_CSD.HS_TIMING, 1) & LINUX_SWITCH_ERRORS).toBe(0);
    expect(host.switch(EXT_CSD.BUS_WIDTH, 6) & LINUX_SWITCH_ERRORS).toBe(0);
    expect(host.switch(EXT_CSD.HS_TIMING, 3) & R1.SWITCH_ERROR).toBeTruthy();
  });

  it('holds DAT0 busy for the switch and longer for a partition change, within the advertised limits', () => {
    const { host, card, clock } = make({ timing: { switchNs: 150_000, partitionSwitchNs: 2_000_000 } });
    host.word(6, writeByte(EXT_CSD.BUS_WIDTH, 1));
    expect(card.busyUntil - clock.now).toBe(150_000);
    expect(r1State(host.status())).toBe('prg');
    expect(host.cmd(6, writeByte(EXT_CSD.BUS_WIDTH, 2)).kind).toBe('none'); // busy: refused
    host.waitBusy();
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
    host.word(6, writeByte(EXT_CSD.PARTITION_CONFIG, 1));
    expect(card.busyUntil - clock.now).toBe(2_000_000);
    const ext = card.extCsd;
    expect(ext[EXT_CSD.GENERIC_CMD6_TIME]! * 10_000_000).toBeGreaterThanOrEqual(150_000);
    expect(ext[EXT_CSD.PARTITION_SWITCH_TIME]! * 10_000_000).toBeGreaterThanOrEqual(2_000_000);
  });

  it('keeps the read-only segment identical across bus width changes', () => {
    const { host } = make({ cacheKiB: 64 });
    const a = host.read(8, 0, 512);
    host.switch(EXT_CSD.BUS_WIDTH, 2);
    host.switch(EXT_CSD.CACHE_CTRL, 1);
    const b = host.read(8, 0, 512);
    expect(b.subarray(192)).toEqual(a.subarray(192));
    expect(b[EXT_CSD.BUS_WIDTH]).toBe(2);
    expect(b[EXT_CSD.CACHE_CTRL]).toBe(1);
  });

  it('supports set-bits and clear-bits access', () => {
    const { host, card } = make();
    host.word(6, (1 << 24) | (EXT_CSD.PARTITION_CONFIG << 16) | (0x48 << 8)); // set BOOT_ACK + boot0 enable
    host.waitBusy();
    host.word(6, (1 << 24) | (EXT_CSD.PARTITION_CONFIG << 16) | (0x01 << 8));
    host.waitBusy();
    expect(card.extCsd[EXT_CSD.PARTITION_CONFIG]).toBe(0x49);
    host.word(6, (2 << 24) | (EXT_CSD.PARTITION_CONFIG << 16) | (0x41 << 8));
    host.waitBusy();
    expect(card.extCsd[EXT_CSD.PARTITION_CONFIG]).toBe(0x08);
    expect(host.status() & R1.SWITCH_ERROR).toBe(0);
  });
});
