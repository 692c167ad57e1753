// SPDX-License-Identifier: GPL-2.0
// How long things take on the SD bus: the SD clock the Clock Control register generates from
// the base clock (SD Host Controller Simplified Spec 3.00 §2.2.14: 10-bit divided clock mode,
// f = base / 2N, N = 0 for the base clock; §3.2 for the 2.00 8-bit power-of-two divider), the
// bus width (Host Control 1) and DDR (Host Control 2 UHS mode), the data timeout counter
// (§2.2.15: TMCLK × 2^(13+n)), and the frame lengths of JEDEC JESD84-B51 §6.15 / research §6.1.
// QEMU completes everything at once; these costs let the data phase run in virtual time.
import * as R from '../../include/hw/sdhci.h.ts';
import type { SdhciCore } from './sdhci_core.ts';

/** Command token: start, direction, index, argument, CRC7, end bit. */
export const COMMAND_CLOCKS = 48;
/** Command end to response start (Ncr; JEDEC allows 2..64). Our card answers after 8 clocks (est.). */
export const NCR_CLOCKS = 8;
/** With no start bit within Ncr max (64 clocks) the controller reports a command timeout. */
export const NCR_MAX_CLOCKS = 64;
export const SHORT_RESPONSE_CLOCKS = 48;
export const LONG_RESPONSE_CLOCKS = 136;
/** Per block and line: start bit, CRC16, end bit (research §6.1, est.). */
export const BLOCK_OVERHEAD_CLOCKS = 18;

/** The divisor of the base clock Clock Control selects (1 for N = 0). */
export function clockDivisor(core: SdhciCore): number {
  const c = core.regs.clockControl;
  let n = (c >> R.SDHCI_DIVIDER_SHIFT) & R.SDHCI_DIV_MASK;
  if (core.v3) n |= ((c >> R.SDHCI_DIVIDER_HI_SHIFT) & 0x3) << 8;
  return n === 0 ? 1 : 2 * n;
}

/** The SD clock now, Hz (0 while it is stopped). */
export function sdClockHz(core: SdhciCore): number {
  return core.sdClockOn ? core.cfg.baseClockHz / clockDivisor(core) : 0;
}

export function busWidth(core: SdhciCore): 1 | 4 | 8 {
  const h = core.regs.hostControl1;
  if (h & R.SDHCI_CTRL_8BITBUS) return 8;
  return h & R.SDHCI_CTRL_4BITBUS ? 4 : 1;
}

/** DDR50/DDR52 and HS400 move data on both clock edges. */
export function doubleDataRate(core: SdhciCore): boolean {
  if (!core.v3) return false;
  const mode = core.regs.hostControl2 & R.SDHCI_CTRL_UHS_MASK;
  return mode === R.SDHCI_CTRL_UHS_DDR50 || mode === R.SDHCI_CTRL_HS400;
}

/** @clocks SD clock cycles in ns (at least 1 ns); the caller ensures the clock runs. */
export function clocksNs(core: SdhciCore, clocks: number): number {
  const hz = sdClockHz(core) || core.cfg.baseClockHz;
  return Math.max(1, Math.ceil((clocks * 1e9) / hz));
}

/** One block of @bytes on the DAT lines: payload bits per line (halved for DDR) plus framing. */
export function blockNs(core: SdhciCore, bytes: number): number {
  const payload = Math.ceil((bytes * 8) / busWidth(core) / (doubleDataRate(core) ? 2 : 1));
  return clocksNs(core, payload + BLOCK_OVERHEAD_CLOCKS);
}

/** From the command's end bit to the end of its response (or to the timeout without one). */
export function responseNs(core: SdhciCore, answered: boolean, long: boolean): number {
  if (!answered) return clocksNs(core, NCR_MAX_CLOCKS);
  return clocksNs(core, NCR_CLOCKS + (long ? LONG_RESPONSE_CLOCKS : SHORT_RESPONSE_CLOCKS));
}

/** The data timeout Timeout Control selects: TMCLK × 2^(13+n); 0xF is reserved (taken as 0xE). */
export function dataTimeoutNs(core: SdhciCore): number {
  const n = Math.min(core.regs.timeoutControl & 0xf, 0xe);
  return (2 ** (13 + n) * 1e9) / core.cfg.timeoutClockHz;
}
