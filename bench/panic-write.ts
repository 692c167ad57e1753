// SPDX-License-Identifier: GPL-2.0
// Simulated time of a 64 KiB panic write (pstore/zone flushes the whole kmsg zone) per variant,
// on the sdhci host with the card in HS200, against what the hardware allows: the bytes on an
// 8-bit bus at 200 MHz, and that plus the card's own programming time, which no driver can
// shorten (hw/sd/emmc_options.ts DEFAULT_TIMING).
import 'reflect-metadata';
import { PANIC } from '../include/linux/panic.h.ts';
import { Mmcpstore } from '../drivers/mmc/core/mmcpstore.ts';
import { DEFAULT_TIMING } from '../hw/sd/emmc_options.ts';
import { VARIANTS } from '../tools/scenario/schema.ts';
import { boot_bench_machine } from './lib/machine.ts';

export const RECORD = 64 * 1024;
/** HS200: 200 MHz, 8 data lines, one bit each per clock. */
const BUS_BYTES_PER_S = 200e6;
export const bus_limit_ms = (RECORD / BUS_BYTES_PER_S) * 1e3;
export const card_limit_ms = bus_limit_ms + (Math.ceil(RECORD / DEFAULT_TIMING.programUnitBytes) * DEFAULT_TIMING.programNs) / 1e6;

export interface panic_write_time {
  readonly variant: string;
  /** Virtual ms of the kmsg zone's panic_write, the first of the panic. */
  readonly ms: number;
}

/** An idle machine panics, on sdhci, with each built-in variant. */
export const panic_write_times = async (): Promise<panic_write_time[]> => {
  const out: panic_write_time[] = [];
  for (const variant of VARIANTS) {
    const m = await boot_bench_machine({ host: 'sdhci', variant });
    if (!m.dmesg().includes('new HS200 MMC card')) throw new Error('the card did not come up in HS200');
    await m.exec(1, 'panic', () => m.resolve(PANIC).panic('bench: Kernel panic - not syncing'));
    const w = m.resolve(Mmcpstore).panic_log[0];
    if (!w || w.size !== RECORD || w.ret !== RECORD) throw new Error(`${variant}: no successful ${RECORD}-byte panic write (${JSON.stringify(w)})`);
    out.push({ variant, ms: (w.end - w.start) / 1e6 });
  }
  return out;
};
