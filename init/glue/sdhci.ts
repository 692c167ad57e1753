// SPDX-License-Identifier: GPL-2.0
// Board glue for a standard SD Host Controller slot (our arch/ board file, like a device tree
// node for "sdhci" with its clocks and interrupt): builds the hw/sd/sdhci controller model on
// the slot's eMMC card (init/glue/card.ts), wires its interrupt line to the kernel's IRQ core
// and its DMA to the board's DMA zone, maps its registers (init/glue/iomem.ts) and registers
// the platform device the sdhci driver binds to, with sdhci_platform_data.
//
// The DMA zone is the board's DMA-able RAM (16 MiB at 0x8000_0000), registered as DMA_ZONE
// with the kernel's DmaMapping as DMA the first time a board device needs it. The models'
// guest-error and unimplemented-feature messages (QEMU's -d guest_errors,unimp) are kept per
// machine, outside the kernel log: sdhci_hw_log().
import type { DependencyContainer } from 'tsyringe';
import type { DmaMemory } from '../../include/hw/dma.h.ts';
import { register_service } from '../../include/linux/di.h.ts';
import { DMA, DMA_ZONE, type dma_zone } from '../../include/linux/dma-mapping.h.ts';
import { IRQ, type irq_api } from '../../include/linux/interrupt.h.ts';
import { caps_change, HOST_CAPS_PROPERTIES } from './host_caps.ts';
import { SDHCI_QUIRKS, type sdhci_platform_data, type sdhci_quirk } from '../../include/linux/platform_data/sdhci.h.ts';
import { PLATFORM, type platform_api } from '../../include/linux/platform_device.h.ts';
import { SCHED, type sched_api } from '../../include/linux/sched.h.ts';
import { GuestRam } from '../../hw/memory/ram.ts';
import { SdhciController, type SdhciCapsOptions, type SdhciGatedAccess, type SdhciSpec } from '../../hw/sd/sdhci.ts';
import { DmaMapping } from '../../kernel/dma/mapping.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import type { board_device } from '../board.ts';
import type { board_storage } from '../storage.ts';
import { CARD_SCHEMA, build_card, type card_description } from './card.ts';
import { make_iomem } from './iomem.ts';

/** The board's DMA-able RAM. */
export const DMA_ZONE_BASE = 0x8000_0000;
export const DMA_ZONE_BYTES = 16 * 1024 * 1024;
/** Default interrupt line of slot N: 48 + N. */
export const SDHCI_IRQ_BASE = 48;
/** Messages kept per machine (the oldest are dropped). */
const HW_LOG_MAX = 1000;

export interface sdhci_device extends board_device {
  readonly type: 'sdhci';
  readonly id?: number;
  readonly irq?: number;
  /** The controller hardware (hw/sd/sdhci options). */
  readonly controller?: {
    readonly spec?: SdhciSpec;
    readonly base_clock_hz?: number;
    readonly timeout_clock_hz?: number;
    readonly caps?: {
      readonly sdma?: boolean;
      readonly adma2?: boolean;
      readonly adma64?: boolean;
      readonly bus8bit?: boolean;
      readonly high_speed?: boolean;
      readonly sdr104?: boolean;
      readonly ddr50?: boolean;
      readonly v18?: boolean;
      readonly max_block?: 512 | 1024 | 2048;
    };
    readonly gated_access?: SdhciGatedAccess;
  };
  /** What the board tells the driver (sdhci_platform_data). */
  readonly host?: {
    readonly quirks?: readonly sdhci_quirk[];
    readonly caps?: readonly string[];
    readonly caps_clear?: readonly string[];
    readonly caps2?: readonly string[];
    readonly caps2_clear?: readonly string[];
    readonly autosuspend_ms?: number;
  };
  readonly card: card_description;
}

const BOOL = { type: 'boolean' } as const;

export const SDHCI_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'card'],
  properties: {
    type: { const: 'sdhci' },
    id: { type: 'integer', minimum: 0 },
    irq: { type: 'integer', minimum: 0, maximum: 1023 },
    controller: {
      type: 'object',
      additionalProperties: false,
      properties: {
        spec: { enum: ['2.00', '3.00', '4.00'] },
        base_clock_hz: { type: 'integer', minimum: 1_000_000, maximum: 255_000_000, multipleOf: 1_000_000 },
        timeout_clock_hz: {
          anyOf: [
            { type: 'integer', minimum: 1000, maximum: 63_000, multipleOf: 1000 },
            { type: 'integer', minimum: 1_000_000, maximum: 63_000_000, multipleOf: 1_000_000 },
          ],
        },
        caps: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sdma: BOOL,
            adma2: BOOL,
            adma64: BOOL,
            bus8bit: BOOL,
            high_speed: BOOL,
            sdr104: BOOL,
            ddr50: BOOL,
            v18: BOOL,
            max_block: { enum: [512, 1024, 2048] },
          },
        },
        gated_access: { enum: ['ones', 'zeros', 'bus-error'] },
      },
    },
    host: {
      type: 'object',
      additionalProperties: false,
      properties: {
        quirks: { type: 'array', items: { enum: SDHCI_QUIRKS } },
        ...HOST_CAPS_PROPERTIES,
      },
    },
    card: CARD_SCHEMA,
  },
} as const;


const hw_logs = new WeakMap<DependencyContainer, string[]>();

/** The device models' guest-error and unimplemented-feature messages of this machine, oldest first. */
export const sdhci_hw_log = (c: DependencyContainer): readonly string[] => hw_logs.get(c) ?? [];

const hw_logger = (c: DependencyContainer, key: string) => {
  let log = hw_logs.get(c);
  if (!log) hw_logs.set(c, (log = []));
  const l = log;
  return (category: string, msg: string): void => {
    l.push(`${key}: ${category}: ${msg}`);
    if (l.length > HW_LOG_MAX) l.splice(0, l.length - HW_LOG_MAX);
  };
};

/** A DMA zone as bus-master memory. */
const zone_memory = (zone: dma_zone): DmaMemory => {
  if (zone instanceof GuestRam) return zone;
  const inside = (addr: number, len: number) => Number.isSafeInteger(addr) && addr >= zone.base && addr + len <= zone.base + zone.bytes.length;
  return {
    read: (addr, dst) => inside(addr, dst.length) && (dst.set(zone.bytes.subarray(addr - zone.base, addr - zone.base + dst.length)), true),
    write: (addr, src) => inside(addr, src.length) && (zone.bytes.set(src, addr - zone.base), true),
    view: (addr, len) => (inside(addr, len) ? zone.bytes.subarray(addr - zone.base, addr - zone.base + len) : null),
  };
};

/**
 * The board's DMA zone as device models see it: registered (DMA_ZONE, and DmaMapping as DMA)
 * on first use, so boards without DMA-capable devices pay nothing for it.
 */
export const board_dma_memory = (c: DependencyContainer): DmaMemory => {
  if (!c.isRegistered(DMA_ZONE, true)) {
    c.register(DMA_ZONE, { useValue: new GuestRam({ base: DMA_ZONE_BASE, size: DMA_ZONE_BYTES }) });
    register_service(c, DmaMapping, [DMA]);
  }
  return zone_memory(c.resolve(DMA_ZONE));
};

const controller_caps = (caps: NonNullable<NonNullable<sdhci_device['controller']>['caps']>): SdhciCapsOptions => ({
  ...(caps.sdma !== undefined ? { sdma: caps.sdma } : {}),
  ...(caps.adma2 !== undefined ? { adma2: caps.adma2 } : {}),
  ...(caps.adma64 !== undefined ? { adma64: caps.adma64 } : {}),
  ...(caps.bus8bit !== undefined ? { bus8bit: caps.bus8bit } : {}),
  ...(caps.high_speed !== undefined ? { highSpeed: caps.high_speed } : {}),
  ...(caps.sdr104 !== undefined ? { sdr104: caps.sdr104 } : {}),
  ...(caps.ddr50 !== undefined ? { ddr50: caps.ddr50 } : {}),
  ...(caps.v18 !== undefined ? { v18: caps.v18 } : {}),
  ...(caps.max_block !== undefined ? { maxBlock: caps.max_block } : {}),
});

export const attach_sdhci = async (c: DependencyContainer, dev: sdhci_device, index: number, storage: board_storage): Promise<void> => {
  const id = dev.id ?? index;
  const key = `sdhci.${id}`;
  const irq = dev.irq ?? SDHCI_IRQ_BASE + id;
  const card = build_card(c, key, dev.card, storage);
  const irqs = c.resolve<irq_api>(IRQ);
  const ctl = dev.controller ?? {};
  const controller = new SdhciController({
    clock: c.resolve(VirtualClock),
    card,
    irq: { set: (level) => irqs.irq_set_level(irq, level) },
    dma: board_dma_memory(c),
    ...(ctl.spec ? { spec: ctl.spec } : {}),
    ...(ctl.base_clock_hz !== undefined ? { baseClockHz: ctl.base_clock_hz } : {}),
    ...(ctl.timeout_clock_hz !== undefined ? { timeoutClockHz: ctl.timeout_clock_hz } : {}),
    ...(ctl.caps ? { caps: controller_caps(ctl.caps) } : {}),
    ...(ctl.gated_access ? { gatedAccess: ctl.gated_access } : {}),
    log: hw_logger(c, key),
  });
  const h = dev.host ?? {};
  const pdata: sdhci_platform_data = {
    regs: make_iomem(controller, c.resolve<sched_api>(SCHED)),
    controller,
    set_clock_gated: (gated) => controller.setClockGated(gated),
    quirks: [...(h.quirks ?? [])],
    ...caps_change(h),
    ...(h.autosuspend_ms !== undefined ? { autosuspend_ms: h.autosuspend_ms } : {}),
  };
  await c.resolve<platform_api>(PLATFORM).platform_device_register({ name: 'sdhci', id, irq, platform_data: pdata });
};
