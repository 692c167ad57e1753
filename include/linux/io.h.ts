// SPDX-License-Identifier: GPL-2.0
// Register access for drivers (linux/io.h): readl()/writel() and friends on a device's mapped
// window. Every access is a yield point, where a frozen CPU would leave the device mid-sequence;
// the _rep forms move a run of words through one port without yielding per word (PIO).
export interface iomem {
  readl(off: number): Promise<number>;
  readw(off: number): Promise<number>;
  readb(off: number): Promise<number>;
  writel(val: number, off: number): Promise<void>;
  writew(val: number, off: number): Promise<void>;
  writeb(val: number, off: number): Promise<void>;
  /** ioread32_rep(): @dst.length words from the one register at @off. */
  ioread32_rep(off: number, dst: Uint32Array): Promise<void>;
  /** iowrite32_rep(): @src to the one register at @off. */
  iowrite32_rep(off: number, src: Uint32Array): Promise<void>;
}
