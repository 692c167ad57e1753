// The sdhci board glue: its schema, the platform device and sdhci_platform_data it registers
// (register window with yields, clock gate, quirks and caps), the interrupt line into the
// kernel's IRQ core, the board DMA zone, and the shipped board booting with the sdhci driver.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { GuestRam } from '../../hw/memory/ram.ts';
import { DMA, DMA_ZONE } from '../../include/linux/dma-mapping.h.ts';
import { IRQ, IRQ_HANDLED, type irq_api, type irqreturn_t } from '../../include/linux/interrupt.h.ts';
import { MMC_CAP_NONREMOVABLE, MMC_CAP2_NO_SD } from '../../include/linux/mmc/host.h.ts';
import type { sdhci_platform_data } from '../../include/linux/platform_data/sdhci.h.ts';
import { PLATFORM, type platform_api } from '../../include/linux/platform_device.h.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { type board, check_board } from '../board.ts';
import { Machine } from '../machine.ts';
import { DMA_ZONE_BASE, DMA_ZONE_BYTES, sdhci_hw_log } from './sdhci.ts';

const slot = (extra: Record<string, unknown> = {}) => ({ type: 'sdhci', card: { capacity: '64MiB' }, ...extra });
const board_of = (dev: Record<string, unknown>): board => ({ name: 't', cpus: 2, cmdline: '', devices: [dev as never] });

/** A machine with the slot but without the driver, so the test plays the driver. */
const boot_bare = (dev = slot()) => Machine.boot({ config: resolve_config_or_throw(load_kconfig_db(), { MMC_SDHCI: 'n' }), board: board_of(dev) });

describe('sdhci board schema', () => {
  it('accepts a full description and names what is wrong in a bad one', () => {
    const good = slot({
      id: 1,
      irq: 60,
      controller: { spec: '4.00', base_clock_hz: 52_000_000, timeout_clock_hz: 32_000, caps: { adma64: false, max_block: 2048, high_speed: true }, gated_access: 'bus-error' },
      host: { quirks: ['BROKEN_ADMA', 'NO_AUTO_CMD23'], caps: ['MMC_CAP_NONREMOVABLE'], caps2_clear: ['MMC_CAP2_HS200'], autosuspend_ms: -1 },
    });
    const ok = check_board(board_of(good));
    expect(ok.ok ? [] : ok.errors).toEqual([]);
    const bad = check_board(board_of(slot({ controller: { spec: '5.00', timeout_clock_hz: 100_000, turbo: 1 }, host: { quirks: ['FAST'] } })));
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors.join('\n');
    expect(errors).toMatch(/board\.devices\[0\]\.controller: must NOT have additional properties 'turbo'/);
    expect(errors).toMatch(/board\.devices\[0\]\.controller\.spec: must be equal to one of the allowed values/);
    expect(errors).toMatch(/board\.devices\[0\]\.controller\.timeout_clock_hz/);
    expect(errors).toMatch(/board\.devices\[0\]\.host\.quirks\[0\]/);
  });
});

describe('sdhci board glue', () => {
  it('registers platform device sdhci with its data: registers, clock gate, quirks, caps; DMA zone and mapping', async () => {
    const m = await boot_bare(slot({ host: { quirks: ['SDMA_ONLY'], caps: ['MMC_CAP_NONREMOVABLE'], caps2: ['MMC_CAP2_NO_SD'], autosuspend_ms: 20 } }));
    const pdev = m.resolve<platform_api>(PLATFORM).devices.find((d) => d.name === 'sdhci')!;
    expect(pdev.id).toBe(0);
    expect(pdev.irq).toBe(48);
    const pd = pdev.platform_data as sdhci_platform_data;
    expect(pd.quirks).toEqual(['SDMA_ONLY']);
    expect([pd.caps, pd.caps_clear, pd.caps2, pd.caps2_clear, pd.autosuspend_ms]).toEqual([MMC_CAP_NONREMOVABLE, 0, MMC_CAP2_NO_SD, 0, 20]);
    const version = await m.exec(0, 'probe', () => pd.regs.readw(R.SDHCI_HOST_VERSION));
    expect(version).toBe(R.SDHCI_SPEC_300);
    pd.set_clock_gated(true);
    expect(await m.exec(0, 'probe', () => pd.regs.readl(R.SDHCI_CAPABILITIES))).toBe(0xffffffff);
    pd.controller.setClockGated(false);
    expect(await m.exec(0, 'probe', () => pd.regs.readl(R.SDHCI_CAPABILITIES))).not.toBe(0xffffffff);
    const zone = m.resolve(DMA_ZONE);
    expect([zone.base, zone.bytes.length]).toEqual([DMA_ZONE_BASE, DMA_ZONE_BYTES]);
    const buf = Uint8Array.of(1, 2, 3);
    const addr = m.resolve(DMA).dma_map_single(buf, 1);
    expect(addr).toBeGreaterThanOrEqual(DMA_ZONE_BASE);
    // The controller reaches the buffer itself at the mapped address: no copy into the zone.
    const seen = new Uint8Array(3);
    expect(zone instanceof GuestRam && zone.read(addr, seen)).toBe(true);
    expect(Array.from(seen)).toEqual([1, 2, 3]);
    buf[0] = 9;
    expect((zone as GuestRam).view(addr, 1)![0]).toBe(9);
    m.resolve(DMA).dma_unmap_single(addr, buf, 1);
    expect((zone as GuestRam).view(addr, 1)![0]).toBe(0);
  });

  it('wires the interrupt line to the IRQ core and keeps the model messages out of dmesg', async () => {
    const m = await boot_bare();
    const pd = m.resolve<platform_api>(PLATFORM).devices[0]!.platform_data as sdhci_platform_data;
    const irqs = m.resolve<irq_api>(IRQ);
    const seen: number[] = [];
    await m.exec(0, 'driver', async () => {
      irqs.request_irq(48, async (): Promise<irqreturn_t> => {
        seen.push(await pd.regs.readl(R.SDHCI_INT_STATUS));
        await pd.regs.writel(0xffffffff, R.SDHCI_INT_STATUS);
        return IRQ_HANDLED;
      }, 0, 'sdhci', pd);
      await pd.regs.writel(R.SDHCI_INT_ALL_MASK, R.SDHCI_INT_ENABLE);
      await pd.regs.writel(R.SDHCI_INT_ALL_MASK, R.SDHCI_SIGNAL_ENABLE);
      await pd.regs.writew(0x0001, R.SDHCI_SET_INT_ERROR);
      await pd.regs.writel(0, R.SDHCI_PRESENT_STATE);
    });
    expect(seen).toEqual([R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT]);
    expect(sdhci_hw_log(m.container)).toEqual(['sdhci.0: guest_error: sdhci: write of 0x00 to read-only offset 0x24 (lanes 0xffffffff): ignored']);
    expect(m.dmesg()).not.toMatch(/read-only/);
  });

  it('boards/sdhci.json boots: the sdhci driver finds the eMMC and its partitions', async () => {
    const b = check_board(JSON.parse(readFileSync(new URL('../../boards/sdhci.json', import.meta.url), 'utf8')));
    if (!b.ok) throw new Error(b.errors.join('\n'));
    const m = await Machine.boot({ config: resolve_config_or_throw(load_kconfig_db(), {}), board: b.board });
    expect(m.halted).toBeNull();
    expect(m.dmesg()).toMatch(/mmcblk0: p1 p2 p3/);
    expect(sdhci_hw_log(m.container)).toEqual([]);
  });
});
