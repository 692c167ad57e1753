// SPDX-License-Identifier: GPL-2.0
// The device models as a library for other emulators: plain classes with validated options,
// connected through the contracts of include/hw (a clock, an IRQ line, DMA memory, a backing
// store) and saved with saveState()/loadState(). Nothing here needs Node, a DI container or the
// simulated kernel.

/** The SD Host Controller (spec 2.00/3.00/4.00): an MmioRegion with an IRQ line and DMA memory. */
export { SdhciController } from './sd/sdhci.ts';
export type { SdhciBusError, SdhciCapsOptions, SdhciControllerState, SdhciGatedAccess, SdhciLogCategory, SdhciOptions, SdhciSpec } from './sd/sdhci.ts';

/** The eMMC card (JEDEC 5.1 command set) on backing stores for its user, boot and RPMB areas. */
export { EmmcCard } from './sd/emmc.ts';
export type { EmmcCardOptions, EmmcCardState, EmmcPowerLoss, EmmcStateName, EmmcTiming, PowerCutReport } from './sd/emmc.ts';

/** Backing stores: sparse memory, flat memory, a file through a FileHandle, copy-on-write, and a write monitor. */
export { SparseBackend, type SparseBackendOptions } from './block/sparse.ts';
export { MemoryBackend } from './block/memory.ts';
export { FileBackend, type FileBackendOptions } from './block/file.ts';
export { OverlayBackend, type OverlayBackendOptions } from './block/overlay.ts';
export { MonitoredBackend, type WriteListener } from './block/monitor.ts';
/** What a store that can hand back the bytes a write replaced (for a power cut) implements, and what it hands back. */
export { Replaced, type Exchangeable, type ReplacedPiece } from './block/exchange.ts';

/** Guest RAM that a DMA-capable model (the SDHCI controller) reads and writes. */
export { GuestRam, type GuestRamOptions } from './memory/ram.ts';

/** The connect points: what a host emulator provides to the models, and what they provide back. */
export type { BlockBackend, FileHandle } from '../include/hw/block.h.ts';
export type { Clock, ClockEvent } from '../include/hw/clock.h.ts';
export type { DmaMemory } from '../include/hw/dma.h.ts';
export type { IrqLine } from '../include/hw/irq.h.ts';
export type { AccessSize, MmioRegion } from '../include/hw/mmio.h.ts';
export type { SdCard, SdResponse } from '../include/hw/sd.h.ts';
/** SDHCI register offsets and bits, as Linux's drivers/mmc/host/sdhci.h names them. */
export * as SDHCI from '../include/hw/sdhci.h.ts';
