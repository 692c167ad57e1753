// SPDX-License-Identifier: GPL-2.0
// The Buffer Data Port (0x20) for PIO transfers (SD Host Controller Simplified Spec 3.00
// §2.2.8 and §3.7.1): a read block waits in the buffer with Buffer Read Enable set until the
// guest has read all of it, a write block is taken once the guest has written all of it.
// Accesses of 1, 2 or 4 bytes must follow each other through the port's byte lanes (QEMU
// hw/sd/sdhci.c: sdhci_buff_access_is_sequential); the position never leaves the block, so a
// guest reading or writing past it gets nothing and corrupts nothing (QEMU's CVE-2022-3872 was
// an off-by-one here).
import type { SdhciCore } from './sdhci_core.ts';
import { pioBlockRead, pioBlockWritten } from './sdhci_transfer.ts';

/** Read @size bytes through byte lane @lane (0-3) of the port. */
export function readBuffer(core: SdhciCore, lane: number, size: number): number {
  const x = core.xfer;
  if (!x || x.state !== 'read-buffer') {
    core.log('guest_error', 'Buffer Data Port read while Buffer Read Enable is clear');
    return 0;
  }
  if ((core.fifoPos & 3) !== lane) {
    core.log('guest_error', `non-sequential Buffer Data Port read at lane ${lane} (position ${core.fifoPos})`);
    return 0;
  }
  let v = 0;
  for (let i = 0; i < size && core.fifoPos < x.blockSize; i++) v |= core.fifo[core.fifoPos++]! << (8 * i);
  if (core.fifoPos >= x.blockSize) pioBlockRead(core, x);
  return v >>> 0;
}

/** Write @size bytes of @value through byte lane @lane of the port. */
export function writeBuffer(core: SdhciCore, lane: number, size: number, value: number): void {
  const x = core.xfer;
  if (!x || x.state !== 'write-buffer') {
    core.log('guest_error', 'Buffer Data Port write while Buffer Write Enable is clear: dropped');
    return;
  }
  if ((core.fifoPos & 3) !== lane) {
    core.log('guest_error', `non-sequential Buffer Data Port write at lane ${lane} (position ${core.fifoPos}): dropped`);
    return;
  }
  for (let i = 0; i < size && core.fifoPos < x.blockSize; i++) core.fifo[core.fifoPos++] = (value >>> (8 * i)) & 0xff;
  if (core.fifoPos >= x.blockSize) {
    x.state = 'write-out';
    pioBlockWritten(core, x);
  }
}
