// SPDX-License-Identifier: GPL-2.0
// Interrupt status, status enable and signal enable (SD Host Controller Simplified Spec 3.00
// §2.2.17-§2.2.22) and the one level interrupt line (QEMU hw/sd/sdhci.c: sdhci_update_irq and
// sdhci_slotint). An event sets its status bit only if the Status Enable bit is set; clearing an
// enable bit clears the latched status; a status bit drives the line only through Signal
// Enable, so a polling guest sees status with every signal masked. Normal b0-b7 and every error
// bit are write-1-to-clear; b15 (error summary) is the OR of the error bits and read-only; b8
// (card interrupt) and b9-b14 follow their sources and ignore writes.
import * as R from '../../include/hw/sdhci.h.ts';
import type { SdhciCore } from './sdhci_core.ts';

/** Normal status bits a write of 1 clears (b0-b7; b14 CQE for v4 engines). */
const NORMAL_W1C = 0x40ff;
/** Normal status and signal enable bits that exist (b15 is fixed to 0). */
const NORMAL_ENABLE_MASK = 0x7fff;
const ERROR_MASK = 0xffff;

/** The 32-bit view of 0x30 (normal in the low half, error in the high half, b15 = any error). */
export function intStatus(core: SdhciCore): number {
  const r = core.regs;
  return (r.normalIntStatus | (r.errorIntStatus ? R.SDHCI_INT_ERROR : 0) | (r.errorIntStatus << 16)) >>> 0;
}

/** Latch the events in @bits (the 32-bit SDHCI_INT_* view) that Status Enable lets through. */
export function raise(core: SdhciCore, bits: number): void {
  const r = core.regs;
  r.normalIntStatus |= bits & 0xffff & ~R.SDHCI_INT_ERROR & r.normalIntStatusEnable;
  r.errorIntStatus |= (bits >>> 16) & r.errorIntStatusEnable;
  updateIrq(core);
}

/** Whether @bits (32-bit view) would latch if raised now. */
export function enabled(core: SdhciCore, bits: number): boolean {
  const r = core.regs;
  return ((bits & 0xffff & r.normalIntStatusEnable) | ((bits >>> 16) & r.errorIntStatusEnable)) !== 0;
}

/** Drive the line: OR over (status & signal enable); low while the clocks are gated. */
export function updateIrq(core: SdhciCore): void {
  const r = core.regs;
  const pending = (r.normalIntStatus & r.normalIntSignalEnable & NORMAL_ENABLE_MASK) | (r.errorIntStatus & r.errorIntSignalEnable);
  const level = !core.gated && pending !== 0;
  if (level !== core.irqLevel) {
    core.irqLevel = level;
    core.cfg.irq.set(level);
  }
}

/** Slot Interrupt Status (0xFC): bit 0 for our one slot. */
export function slotInterruptStatus(core: SdhciCore): number {
  const r = core.regs;
  return (r.normalIntStatus & r.normalIntSignalEnable & NORMAL_ENABLE_MASK) | (r.errorIntStatus & r.errorIntSignalEnable) ? 1 : 0;
}

/** A write of @value under byte mask @mask to 0x30: clear the written 1s that are clearable. */
export function writeIntStatus(core: SdhciCore, value: number, mask: number): void {
  const v = value & mask;
  const r = core.regs;
  r.normalIntStatus &= ~(v & NORMAL_W1C);
  r.errorIntStatus &= ~((v >>> 16) & ERROR_MASK);
  updateIrq(core);
}

/** A write to 0x34: bits cleared here also clear their latched status. */
export function writeStatusEnable(core: SdhciCore, value: number, mask: number): void {
  const r = core.regs;
  if (mask & 0xffff) r.normalIntStatusEnable = ((r.normalIntStatusEnable & ~mask) | (value & mask)) & NORMAL_ENABLE_MASK;
  if (mask & 0xffff0000) r.errorIntStatusEnable = ((r.errorIntStatusEnable & ~(mask >>> 16)) | ((value & mask) >>> 16)) & ERROR_MASK;
  r.normalIntStatus &= r.normalIntStatusEnable;
  r.errorIntStatus &= r.errorIntStatusEnable;
  updateIrq(core);
}

/** A write to 0x38. */
export function writeSignalEnable(core: SdhciCore, value: number, mask: number): void {
  const r = core.regs;
  if (mask & 0xffff) r.normalIntSignalEnable = ((r.normalIntSignalEnable & ~mask) | (value & mask)) & NORMAL_ENABLE_MASK;
  if (mask & 0xffff0000) r.errorIntSignalEnable = ((r.errorIntSignalEnable & ~(mask >>> 16)) | ((value & mask) >>> 16)) & ERROR_MASK;
  updateIrq(core);
}
