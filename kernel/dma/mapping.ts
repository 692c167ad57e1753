// SPDX-License-Identifier: GPL-2.0
// DMA mapping over the board's DMA zone (kernel/dma/mapping.c): a first-fit allocator of aligned
// ranges. A streaming mapping maps the buffer itself over its range when the zone can (no copy,
// as Linux's direct mapping), and bounces it through the zone otherwise (swiotlb in spirit).
import { inject, injectable } from 'tsyringe';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, DMA_ZONE, type dma_api, type dma_coherent, type dma_zone } from '../../include/linux/dma-mapping.h.ts';

@injectable()
export class DmaMapping implements dma_api {
  /** Allocated ranges [start, end) as offsets into the zone, sorted. */
  private readonly used: Array<[number, number]> = [];

  constructor(@inject(DMA_ZONE) private readonly zone: dma_zone) {}

  private alloc(size: number, align: number): number {
    let at = 0;
    for (let i = 0; ; i++) {
      at = Math.ceil(at / align) * align;
      const next = this.used[i];
      if (!next || at + size <= next[0]) {
        if (at + size > this.zone.bytes.length) throw new RangeError(`dma: zone of ${this.zone.bytes.length} bytes exhausted (${size} wanted)`);
        this.used.splice(i, 0, [at, at + size]);
        return at;
      }
      at = next[1];
    }
  }

  private free(off: number): void {
    const i = this.used.findIndex((r) => r[0] === off);
    if (i >= 0) this.used.splice(i, 1);
  }

  dma_map_single(buf: Uint8Array, dir: number, align = 8): number {
    const off = this.alloc(Math.max(1, buf.length), align);
    const addr = this.zone.base + off;
    if (this.zone.mapBuffer && buf.length) this.zone.mapBuffer(addr, buf);
    else if (dir !== DMA_FROM_DEVICE) this.zone.bytes.set(buf, off);
    return addr;
  }

  dma_unmap_single(addr: number, buf: Uint8Array, dir: number): void {
    const off = addr - this.zone.base;
    if (this.zone.unmapBuffer && buf.length) this.zone.unmapBuffer(addr);
    else if (dir !== DMA_TO_DEVICE) buf.set(this.zone.bytes.subarray(off, off + buf.length));
    this.free(off);
  }

  dma_alloc_coherent(size: number, align = 8): dma_coherent {
    const off = this.alloc(size, align);
    this.zone.bytes.fill(0, off, off + size);
    return { dma_addr: this.zone.base + off, cpu: this.zone.bytes.subarray(off, off + size) };
  }

  dma_free_coherent(mem: dma_coherent): void {
    this.free(mem.dma_addr - this.zone.base);
  }
}
