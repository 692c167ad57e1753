// SPDX-License-Identifier: GPL-2.0
// SDMA (SD Host Controller Simplified Spec 3.00 §1.12 and §2.2.1): one contiguous buffer at the
// SDMA System Address (0x00; 0x58/0x5C in Host Version 4 mode), 32-bit addresses. The engine
// moves block after block; when the running address crosses a multiple of the buffer boundary
// (Block Size b14:12, 4 KiB << n) with blocks left it pauses, raises the DMA interrupt and the
// address register reads the next address. A write to the address register's top byte (Linux
// writes all four) resumes. QEMU hw/sd/sdhci.c: sdhci_sdma_transfer_multi_blocks.
import * as R from '../../include/hw/sdhci.h.ts';
import { admaAddress, dmaReachable, setAdmaAddress } from './sdhci_adma.ts';
import type { SdhciCore } from './sdhci_core.ts';

/** Host Version 4 mode: SDMA takes its address from the ADMA System Address register. */
export function sdmaUsesAdmaAddress(core: SdhciCore): boolean {
  return core.v4 && (core.regs.hostControl2 & R.SDHCI_CTRL_V4_MODE) !== 0;
}

export function sdmaAddress(core: SdhciCore): number {
  if (!sdmaUsesAdmaAddress(core)) return core.regs.sdmaSysAddr;
  return core.regs.hostControl2 & R.SDHCI_CTRL_64BIT_ADDR ? admaAddress(core) : core.regs.admaSysAddrLo;
}

export function setSdmaAddress(core: SdhciCore, addr: number): void {
  if (!sdmaUsesAdmaAddress(core)) core.regs.sdmaSysAddr = addr % 2 ** 32 >>> 0;
  else if (core.regs.hostControl2 & R.SDHCI_CTRL_64BIT_ADDR) setAdmaAddress(core, addr);
  else core.regs.admaSysAddrLo = addr % 2 ** 32 >>> 0;
}

/** The buffer boundary Block Size selects, bytes. */
export function sdmaBoundary(blockSizeRegister: number): number {
  return 4096 << ((blockSizeRegister >> 12) & 0x7);
}

/**
 * Move @buf to (@toMemory) or from guest memory at the SDMA address and advance it. Returns
 * an error message if any byte is outside memory (nothing moved), else whether the move
 * crossed a buffer boundary.
 */
export function sdmaMoveBlock(core: SdhciCore, boundary: number, buf: Uint8Array, toMemory: boolean): { error: string } | { crossed: boolean } {
  const addr = sdmaAddress(core);
  // Host Version 4's 64-bit SDMA address can lie beyond what DmaMemory takes.
  const ok = dmaReachable(addr, buf.length) && (toMemory ? core.cfg.dma.write(addr, buf) : core.cfg.dma.read(addr, buf));
  if (!ok) return { error: `SDMA ${toMemory ? 'write to' : 'read from'} 0x${addr.toString(16)} (${buf.length} bytes) is outside memory` };
  const next = addr + buf.length;
  setSdmaAddress(core, next);
  return { crossed: Math.floor(next / boundary) !== Math.floor(addr / boundary) };
}
