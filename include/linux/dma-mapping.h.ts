// SPDX-License-Identifier: GPL-2.0
// DMA mapping (linux/dma-mapping.h): a driver hands a buffer to a device by its bus address. Our
// RAM is the board's guest memory: a mapping takes an address range of it, and the device there
// reaches the buffer itself when the zone can map buffers (GuestRam can), as Linux's direct
// mapping reaches a buffer's own pages; otherwise the buffer is copied in for the device (and back
// out after a read), the one copy a bounce buffer costs.
import { define_token } from './di.h.ts';

export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export const DMA_BIDIRECTIONAL = 0;

export interface dma_coherent {
  readonly dma_addr: number;
  /** The memory itself, as the CPU sees it: the device reads and writes the same bytes. */
  readonly cpu: Uint8Array;
}

/** The board's DMA-able RAM: @bytes at bus address @base (board glue registers it). */
export interface dma_zone {
  readonly base: number;
  readonly bytes: Uint8Array;
  /** Optional: devices reaching [@addr, @addr + buf.length) reach @buf until unmapBuffer(@addr). */
  mapBuffer?(addr: number, buf: Uint8Array): void;
  unmapBuffer?(addr: number): boolean;
}
export const DMA_ZONE = define_token<dma_zone>('linux/dma-mapping#dma_zone');

export interface dma_api {
  /** Map @buf for @dir; returns its bus address (aligned to @align, default 8). Context: any. */
  dma_map_single(buf: Uint8Array, dir: number, align?: number): number;
  /** Unmap: the device's data is in @buf from then on (for DMA_FROM_DEVICE). */
  dma_unmap_single(addr: number, buf: Uint8Array, dir: number): void;
  /** Memory both sides see at once (ADMA descriptor tables). */
  dma_alloc_coherent(size: number, align?: number): dma_coherent;
  dma_free_coherent(mem: dma_coherent): void;
}
export const DMA = define_token<dma_api>('linux/dma-mapping#dma_api');
