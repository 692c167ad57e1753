// SPDX-License-Identifier: GPL-2.0
// A device model's register window as a driver maps it (ioremap() + readl()/writel(), the
// asm/io.h accessors): every access is a yield point of the simulated CPU, where a frozen CPU
// stops or an interrupt runs, then the synchronous access to the model. The _rep forms move
// all their words through one register after a single yield, as a PIO loop does.
import type { AccessSize, MmioRegion } from '../../include/hw/mmio.h.ts';
import type { iomem } from '../../include/linux/io.h.ts';
import type { sched_api } from '../../include/linux/sched.h.ts';

/** The iomem of @region, yielding through @sched before each access. */
export const make_iomem = (region: MmioRegion, sched: sched_api): iomem => {
  // Not async functions: when no other context is picked at the yield point (most accesses),
  // the access is made at once and costs no async frame.
  const read = (off: number, size: AccessSize): Promise<number> => {
    const y = sched.yield_point();
    return y ? y.then(() => region.read(off, size)) : Promise.resolve(region.read(off, size));
  };
  const write = (val: number, off: number, size: AccessSize): Promise<void> => {
    const y = sched.yield_point();
    if (y) return y.then(() => region.write(off, size, val));
    region.write(off, size, val);
    return Promise.resolve();
  };
  return {
    readl: (off) => read(off, 4),
    readw: (off) => read(off, 2),
    readb: (off) => read(off, 1),
    writel: (val, off) => write(val, off, 4),
    writew: (val, off) => write(val, off, 2),
    writeb: (val, off) => write(val, off, 1),
    async ioread32_rep(off, dst) {
      await sched.yield_point();
      for (let i = 0; i < dst.length; i++) dst[i] = region.read(off, 4);
    },
    async iowrite32_rep(off, src) {
      await sched.yield_point();
      for (let i = 0; i < src.length; i++) region.write(off, 4, src[i]!);
    },
  };
};
