// SPDX-License-Identifier: GPL-2.0
// Sequential block I/O through mmcblk (bdev_write/bdev_read of 512 KiB requests from a task),
// per host and, on sdhci, per DMA mode; against an in-process memcpy of the same bytes timed in
// the same run. The fraction is memcpy time / I/O time (1 would be I/O as fast as a copy), each
// pass against the memcpy timed next to it, so that a slow spell of the machine cancels out.
import 'reflect-metadata';
import { BLOCK } from '../include/linux/blkdev.h.ts';
import type { host_kind, scenario } from '../tools/scenario/schema.ts';
import { boot_bench_machine, in_task } from './lib/machine.ts';
import { median } from './lib/stats.ts';

export const REQUEST = 512 * 1024;
/** 16 requests, 8 MiB, per direction and pass: enough to swamp a request's fixed cost. */
const REQUESTS = 16;
const SECTOR = 512;

export interface io_mode {
  readonly label: string;
  readonly host: host_kind;
  readonly board?: scenario['board'];
}

export const IO_MODES: readonly io_mode[] = [
  { label: 'mock', host: 'mock' },
  { label: 'sdhci ADMA2', host: 'sdhci' },
  { label: 'sdhci SDMA', host: 'sdhci', board: { sdhci: { controller: { caps: { adma2: false, adma64: false } } } } },
  { label: 'sdhci PIO', host: 'sdhci', board: { sdhci: { quirks: ['PIO_ONLY'] } } },
  { label: 'serial (in-process bridge)', host: 'serial' },
];

export interface io_fractions {
  readonly write: number;
  readonly read: number;
  /** MB/s of wall time, for the record. */
  readonly write_mb_s: number;
  readonly read_mb_s: number;
}

/** The same bytes copied in memory: the request buffer to (write) or from (read) REQUESTS places of a store. */
const memcpy_ms = (op: 'write' | 'read', buf: Uint8Array, store: Uint8Array): number => {
  const t = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    if (op === 'write') store.set(buf, i * REQUEST);
    else buf.set(store.subarray(i * REQUEST, (i + 1) * REQUEST));
  }
  return performance.now() - t;
};

/**
 * Untimed passes first: the I/O path's functions get optimized only after some tens of passes
 * (measured: a read costs twice as much in passes 1-20 as in steady state), and sequential I/O
 * is a steady-state figure. Slow modes (PIO, serial) stop warming after WARMUP_MS.
 */
export const WARMUP_PASSES = 40;
export const WARMUP_MS = 1500;
/**
 * Timed passes: a pass is over in a few ms on the fast paths, where one pass's memcpy (0.15 ms)
 * varies from 34 to 61 GB/s between runs (measured), so the median needs many; the slow modes
 * (PIO, serial) stop after MIN_PASSES once their timed passes took TIMED_MS.
 */
export const IO_PASSES = 25;
export const MIN_PASSES = 5;
export const TIMED_MS = 3000;

/** @passes passes (fewer past TIMED_MS) of REQUESTS writes then REQUESTS reads, each against a memcpy timed next to it, after the warm-up. */
export const io_fractions = async (mode: io_mode, passes: number): Promise<io_fractions> => {
  const m = await boot_bench_machine({ host: mode.host, ...(mode.board ? { board: mode.board } : {}) });
  const blk = m.resolve(BLOCK);
  const bdev = blk.lookup_bdev('mmcblk0p2');
  if (!bdev) throw new Error('no mmcblk0p2');
  const src = new Uint8Array(REQUEST).map((_, i) => i * 7);
  const dst = new Uint8Array(REQUEST);
  const store = new Uint8Array(REQUESTS * REQUEST);
  const w: number[] = [];
  const r: number[] = [];
  const cw: number[] = [];
  const cr: number[] = [];
  const warm_until = performance.now() + WARMUP_MS;
  let warmup = 0;
  let timed = 0;
  while (w.length < passes && !(w.length >= Math.min(passes, MIN_PASSES) && timed > TIMED_MS)) {
    const io = async (op: 'write' | 'read'): Promise<number> => {
      const t = performance.now();
      await in_task(m, async () => {
        for (let i = 0; i < REQUESTS; i++) {
          const err = op === 'write' ? await blk.bdev_write(bdev, (i * REQUEST) / SECTOR, src) : await blk.bdev_read(bdev, (i * REQUEST) / SECTOR, dst);
          if (err) throw new Error(`${mode.label}: ${op} failed: ${err}`);
        }
        return true;
      });
      return performance.now() - t;
    };
    const tw = await io('write');
    const mw = memcpy_ms('write', src, store);
    const tr = await io('read');
    if (dst.some((b, i) => b !== src[i])) throw new Error(`${mode.label}: read back other data than written`);
    const mr = memcpy_ms('read', dst, store);
    if (warmup < WARMUP_PASSES && performance.now() < warm_until) {
      warmup++;
      continue;
    }
    w.push(tw), r.push(tr), cw.push(mw), cr.push(mr);
    timed += tw + tr;
  }
  const bytes = REQUESTS * REQUEST;
  return {
    write: median(cw.map((c, i) => c / w[i]!)),
    read: median(cr.map((c, i) => c / r[i]!)),
    write_mb_s: bytes / 1e3 / median(w),
    read_mb_s: bytes / 1e3 / median(r),
  };
};
