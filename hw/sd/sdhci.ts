// SPDX-License-Identifier: GPL-2.0
// A standard SD Host Controller (SD Host Controller Simplified Specification 3.00, with the
// 2.00 subset and the Host Version 4 bits Linux uses) with one slot, as an embeddable device
// model: the MmioRegion of include/hw/mmio.h.ts over the 256-byte register window, one level
// interrupt line, DMA through the embedder's memory, time on the embedder's clock. QEMU's
// counterpart is hw/sd/sdhci.c (TYPE_SYSBUS_SDHCI); the register map is include/hw/sdhci.h.ts,
// shared with Linux's driver side.
//
// Files: sdhci_options (construction, capabilities), sdhci_core (state and the CMD/DAT lines
// on the clock), sdhci_mmio (register dispatch), sdhci_command (commands, responses, Auto
// CMD23), sdhci_transfer (data phase), sdhci_transfer_end (Auto CMD12, busy), sdhci_pio, sdhci_sdma, sdhci_adma,
// sdhci_irq, sdhci_reset, sdhci_bus (card detect, bus power, card calls), sdhci_timing,
// sdhci_state (snapshots).
//
// The platform may gate the controller's clocks (runtime suspend): then register reads answer
// per gatedAccess, writes are dropped, nothing progresses and the interrupt line stays low.
// A guest's misuse is logged and answered as the hardware would; only bad construction
// options and malformed snapshots throw.
import type { AccessSize, MmioRegion } from '../../include/hw/mmio.h.ts';
import { SDHCI_REGS_SIZE } from '../../include/hw/sdhci.h.ts';
import { acmd23Done, acmd23Sent, commandDone, commandSent } from './sdhci_command.ts';
import { SdhciCore, type Step } from './sdhci_core.ts';
import { updateIrq } from './sdhci_irq.ts';
import { mmioRead, mmioWrite } from './sdhci_mmio.ts';
import { resolveOptions, type SdhciOptions } from './sdhci_options.ts';
import { resetAll } from './sdhci_reset.ts';
import { loadControllerState, saveControllerState, type SdhciControllerState } from './sdhci_state.ts';
import { blockIn, blockOut } from './sdhci_transfer.ts';
import { acmd12Done, acmd12Sent, busyStep, timeoutStep } from './sdhci_transfer_end.ts';

const STEP_HANDLERS: Readonly<Record<Step, (core: SdhciCore) => void>> = {
  'acmd23-sent': acmd23Sent,
  'acmd23-done': acmd23Done,
  'command-sent': commandSent,
  'command-done': commandDone,
  'block-in': blockIn,
  'block-out': blockOut,
  'acmd12-sent': acmd12Sent,
  'acmd12-done': acmd12Done,
  busy: busyStep,
  timeout: timeoutStep,
};

/**
 * An SD Host Controller with one slot. Connect points (all in {@link SdhciOptions}): `clock` for
 * time, `irq` its level interrupt line, `dma` the memory SDMA/ADMA2 read and write, `card` the
 * SdCard in the slot. Map it as an {@link MmioRegion} of 256 bytes; saveState()/loadState()
 * snapshot it.
 * @example
 * const sdhci = new SdhciController({ clock, irq, dma: new GuestRam({ base: 0, size: 16 << 20 }), card });
 * sdhci.write(SDHCI.SDHCI_ARGUMENT, 4, 0);
 */
export class SdhciController implements MmioRegion {
  readonly size = SDHCI_REGS_SIZE;
  private readonly core: SdhciCore;

  /** Throws TypeError/RangeError for a bad option, naming it. */
  constructor(options: SdhciOptions) {
    this.core = new SdhciCore(resolveOptions(options));
    this.core.run = (step) => STEP_HANDLERS[step](this.core);
  }

  read(offset: number, size: AccessSize): number {
    const c = this.core;
    if (!this.inWindow(offset, size, 'read')) return 0;
    if (c.gated) {
      if (c.cfg.gatedAccess === 'zeros') return 0;
      if (c.cfg.gatedAccess === 'bus-error') this.busError(offset, size, false);
      return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    }
    return mmioRead(c, offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const c = this.core;
    if (!this.inWindow(offset, size, 'write')) return;
    if (c.gated) {
      if (c.cfg.gatedAccess === 'bus-error') this.busError(offset, size, true);
      else c.log('guest_error', `write to 0x${offset.toString(16)} while the clocks are gated: dropped`);
      return;
    }
    mmioWrite(c, offset, size, (Number(value) >>> 0) % 2 ** (8 * size));
  }

  /**
   * Gate (true) or ungate the controller's clocks, as the platform's clock controller does for
   * runtime PM. Register state is kept; work in progress resumes where it stopped.
   */
  setClockGated(gated: boolean): void {
    const c = this.core;
    if (c.gated === !!gated) return;
    c.gated = !!gated;
    c.reevaluate();
    updateIrq(c);
  }

  get clockGated(): boolean {
    return this.core.gated;
  }

  /** Accesses answered with a bus error (gatedAccess 'bus-error'). */
  get busErrors(): number {
    return this.core.busErrors;
  }

  /** The level the interrupt line is driven to. */
  get irqLevel(): boolean {
    return this.core.irqLevel;
  }

  /** Power-on reset: every register to its reset value (Software Reset For All). */
  reset(): void {
    resetAll(this.core);
  }

  saveState(): SdhciControllerState {
    return saveControllerState(this.core);
  }

  /** Restore saveState() output onto a controller built with the same options. Throws TypeError if malformed. */
  loadState(state: SdhciControllerState): void {
    loadControllerState(this.core, state);
  }

  private inWindow(offset: number, size: number, what: string): boolean {
    if ((size === 1 || size === 2 || size === 4) && Number.isInteger(offset) && offset >= 0 && offset + size <= SDHCI_REGS_SIZE) return true;
    this.core.log('guest_error', `${size}-byte ${what} at ${String(offset)} is outside the 256-byte window`);
    return false;
  }

  private busError(offset: number, size: number, write: boolean): void {
    this.core.busErrors++;
    this.core.cfg.onBusError({ offset, size, write });
  }
}

export type { SdhciBusError, SdhciCapsOptions, SdhciGatedAccess, SdhciLogCategory, SdhciOptions, SdhciSpec } from './sdhci_options.ts';
export type { SdhciControllerState } from './sdhci_state.ts';
