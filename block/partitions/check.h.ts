// SPDX-License-Identifier: GPL-2.0
// What the partition parsers share (block/partitions/check.h): the disk, the partitions found
// so far, the line being built, and sector reads through a per-scan page cache.
import { SECTOR_SIZE, type hd_partition, type read_sectors_fn } from '../../include/linux/genhd.h.ts';

/** Linux reads partition tables through the block device's page cache, 4 KiB at a time. */
const PAGE_SECTORS = 8;

/** struct parsed_partitions while the parsers run. */
export interface parsed_state {
  readonly disk_name: string;
  /** What put_partition() prints before a number: "p" when the disk name ends in a digit. */
  readonly name: string;
  readonly capacity: number;
  readonly limit: number;
  readonly force_gpt: boolean;
  readonly alternative_gpt_sector: number | undefined;
  readonly read: read_sectors_fn;
  readonly pages: Map<number, Uint8Array>;
  /** Indexed by partition number; cleared before each parser. */
  parts: hd_partition[];
  /** The KERN_INFO line; parsers append to it, and it is not reset between them. */
  pp_buf: string;
  readonly warnings: string[];
  readonly debug: string[];
  access_beyond_eod: boolean;
  /** Next logical partition number (msdos). */
  next: number;
}

/**
 * read_part_sector() - the 512 bytes of sector @n, or null on an I/O error or past the end of
 * the disk (which is remembered, to report -ENOSPC). The result is shared: copy before changing.
 * Context: may sleep.
 */
export const read_part_sector = async (state: parsed_state, n: number): Promise<Uint8Array | null> => {
  if (n >= state.capacity) {
    state.access_beyond_eod = true;
    return null;
  }
  const index = Math.floor(n / PAGE_SECTORS);
  let page = state.pages.get(index);
  if (!page) {
    const first = index * PAGE_SECTORS;
    const count = Math.min(PAGE_SECTORS, state.capacity - first);
    const data = await state.read(first, count);
    if (!data) return null; // not cached: a later read tries the device again, as Linux does
    if (data.length < count * SECTOR_SIZE) throw new RangeError(`read_sectors_fn returned ${data.length} bytes for ${count} sectors at ${first}`);
    page = data;
    state.pages.set(index, page);
  }
  const off = (n - index * PAGE_SECTORS) * SECTOR_SIZE;
  return page.subarray(off, off + SECTOR_SIZE);
};

/** put_partition() - record partition @n and print it, if @n is below the limit. */
export const put_partition = (state: parsed_state, n: number, from: number, size: number, info: { volname?: string; uuid?: string } = {}): void => {
  if (n >= state.limit) return;
  const p: { -readonly [K in keyof hd_partition]: hd_partition[K] } = { partno: n, start_sect: from, nr_sects: size };
  if (info.volname) p.volname = info.volname;
  if (info.uuid) p.uuid = info.uuid;
  state.parts[n] = p;
  state.pp_buf += ` ${state.name}${n}`;
};

export const get_le16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const get_le32 = (b: Uint8Array, o: number): number => (get_le16(b, o) | (get_le16(b, o + 2) << 16)) >>> 0;
/** Exact up to 2^53 sectors (4 EiB), far beyond any disk; larger values round but stay large. */
export const get_le64 = (b: Uint8Array, o: number): number => get_le32(b, o) + get_le32(b, o + 4) * 2 ** 32;

/** msdos_magic_present(): the 0x55 0xAA boot signature at @o. */
export const msdos_magic_present = (b: Uint8Array, o: number): boolean => b[o] === 0x55 && b[o + 1] === 0xaa;
