// SPDX-License-Identifier: GPL-2.0
// Partition tables for disk images and tests: a GPT (protective MBR, primary header and entries,
// backup entries and header) or an MBR with an extended partition, written through a byte
// writer. Pure TypeScript without Node APIs, so tests and a browser can use it too. Same input,
// same bytes: GUIDs and the MBR signature come from the options or from a seeded generator.
import { efi_crc32 } from '../../block/partitions/crc32.ts';

/** Store @bytes at byte @offset of the disk (BlockBackend.write has this shape). */
export type byte_writer = (offset: number, bytes: Uint8Array) => void;

export const LINUX_FILESYSTEM_GUID = '0fc63daf-8483-4772-8e79-3d69d8477de4';
export const EFI_SYSTEM_GUID = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';

const SECTOR = 512;
const GPT_ENTRY_SIZE = 128;
const GPT_NAME_UNITS = 36;
const DEFAULT_ALIGN = 2048; // 1 MiB, as sgdisk and sfdisk align

export interface gpt_part {
  name: string;
  /** Default: the next multiple of the alignment after the previous partition. */
  start_sect?: number;
  sectors: number;
  /** Default: Linux filesystem data. */
  type_guid?: string;
  /** Default: from the seeded generator. */
  unique_guid?: string;
}

export interface gpt_options {
  disk_guid?: string;
  /** Seed of the GUID generator (default 0). */
  seed?: number;
  /** Entries in the array (default 128, i.e. 32 sectors; fewer is below the UEFI minimum, which Linux accepts and sgdisk warns about). */
  entries?: number;
  /** Default start alignment in sectors (default 2048). */
  align?: number;
}

export interface gpt_layout {
  disk_guid: string;
  last_lba: number;
  first_usable_lba: number;
  last_usable_lba: number;
  parts: Array<Required<gpt_part> & { partno: number }>;
}

const fail = (fn: string, what: string): never => {
  throw new RangeError(`${fn}: ${what}`);
};

const check_count = (fn: string, field: string, v: number, min: number): void => {
  if (!Number.isSafeInteger(v) || v < min) fail(fn, `${field} must be an integer >= ${min}, not ${v}`);
};

const align_up = (v: number, a: number): number => Math.ceil(v / a) * a;

/** A seeded generator (mulberry32): the same seed gives the same GUIDs. */
const prng = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
};

const random_guid = (next: () => number): string => {
  const b = Array.from({ length: 16 }, () => next() & 0xff);
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The 16 on-disk bytes of @guid: the first three fields little-endian (mixed-endian). */
export const guid_bytes = (guid: string): Uint8Array => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(guid)) fail('guid_bytes', `'${guid}' is not a GUID`);
  const h = guid.replace(/-/g, '');
  const canon = Array.from({ length: 16 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));
  return Uint8Array.from([3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => canon[i]!));
};

const put_le32 = (b: Uint8Array, o: number, v: number): void => {
  for (let i = 0; i < 4; i++) b[o + i] = (v >>> (8 * i)) & 0xff;
};
const put_le64 = (b: Uint8Array, o: number, v: number): void => {
  put_le32(b, o, v % 2 ** 32);
  put_le32(b, o + 4, Math.floor(v / 2 ** 32));
};

const disk_sectors = (fn: string, disk_bytes: number): number => {
  if (!Number.isSafeInteger(disk_bytes) || disk_bytes <= 0 || disk_bytes % SECTOR) fail(fn, `disk_bytes ${disk_bytes} is not a positive multiple of ${SECTOR}`);
  return disk_bytes / SECTOR;
};

/** A protective MBR: one 0xEE record from LBA 1 over the disk, capped at 2^32 - 1 sectors. */
const protective_mbr = (total: number): Uint8Array => {
  const s = new Uint8Array(SECTOR);
  s.set([0x00, 0x00, 0x02, 0x00, 0xee, 0xff, 0xff, 0xff], 446);
  put_le32(s, 446 + 8, 1);
  put_le32(s, 446 + 12, Math.min(total - 1, 0xffffffff));
  s.set([0x55, 0xaa], 510);
  return s;
};

const gpt_header = (my_lba: number, alternate_lba: number, entries_lba: number, l: gpt_layout, entries: number, entries_crc: number): Uint8Array => {
  const s = new Uint8Array(SECTOR);
  s.set([...'EFI PART'].map((c) => c.charCodeAt(0)), 0);
  put_le32(s, 8, 0x00010000); // revision 1.0
  put_le32(s, 12, 92);
  put_le64(s, 24, my_lba);
  put_le64(s, 32, alternate_lba);
  put_le64(s, 40, l.first_usable_lba);
  put_le64(s, 48, l.last_usable_lba);
  s.set(guid_bytes(l.disk_guid), 56);
  put_le64(s, 72, entries_lba);
  put_le32(s, 80, entries);
  put_le32(s, 84, GPT_ENTRY_SIZE);
  put_le32(s, 88, entries_crc);
  put_le32(s, 16, efi_crc32(s.subarray(0, 92))); // computed with the CRC field still zero
  return s;
};

/**
 * write_gpt() - write a GPT for a disk of @disk_bytes holding @parts, numbered from 1 in order.
 * Throws RangeError naming the field for anything that does not fit.
 */
export const write_gpt = (write: byte_writer, disk_bytes: number, parts: gpt_part[], options: gpt_options = {}): gpt_layout => {
  const fn = 'write_gpt';
  const total = disk_sectors(fn, disk_bytes);
  const entries = options.entries ?? 128;
  const align = options.align ?? DEFAULT_ALIGN;
  check_count(fn, 'options.entries', entries, 1);
  check_count(fn, 'options.align', align, 1);
  if (parts.length > entries) fail(fn, `${parts.length} partitions do not fit in ${entries} entries`);
  const entry_sectors = Math.ceil((entries * GPT_ENTRY_SIZE) / SECTOR);
  const next = prng(options.seed ?? 0);
  const l: gpt_layout = {
    disk_guid: options.disk_guid ?? random_guid(next),
    last_lba: total - 1,
    first_usable_lba: 2 + entry_sectors,
    last_usable_lba: total - 2 - entry_sectors,
    parts: [],
  };
  if (l.last_usable_lba < l.first_usable_lba) fail(fn, `disk_bytes ${disk_bytes} is too small for a GPT`);
  guid_bytes(l.disk_guid);

  const array = new Uint8Array(entry_sectors * SECTOR);
  let cursor = l.first_usable_lba;
  parts.forEach((p, i) => {
    const field = `parts[${i}]`;
    const unique_guid = p.unique_guid ?? random_guid(next); // drawn for every part, so one explicit GUID shifts no other
    const start = p.start_sect ?? align_up(cursor, align);
    check_count(fn, `${field}.start_sect`, start, l.first_usable_lba);
    check_count(fn, `${field}.sectors`, p.sectors, 1);
    const end = start + p.sectors - 1;
    if (end > l.last_usable_lba) fail(fn, `${field} ends at ${end}, after the last usable LBA ${l.last_usable_lba}`);
    const clash = l.parts.find((q) => start <= q.start_sect + q.sectors - 1 && q.start_sect <= end);
    if (clash) fail(fn, `${field} overlaps partition ${clash.partno}`);
    if (p.name.length > GPT_NAME_UNITS) fail(fn, `${field}.name is longer than ${GPT_NAME_UNITS} UTF-16 units`);
    const type_guid = p.type_guid ?? LINUX_FILESYSTEM_GUID;
    const e = array.subarray(i * GPT_ENTRY_SIZE, (i + 1) * GPT_ENTRY_SIZE);
    e.set(guid_bytes(type_guid), 0);
    e.set(guid_bytes(unique_guid), 16);
    put_le64(e, 32, start);
    put_le64(e, 40, end);
    for (let k = 0; k < p.name.length; k++) {
      e[56 + 2 * k] = p.name.charCodeAt(k) & 0xff;
      e[57 + 2 * k] = p.name.charCodeAt(k) >>> 8;
    }
    l.parts.push({ partno: i + 1, name: p.name, start_sect: start, sectors: p.sectors, type_guid, unique_guid });
    cursor = end + 1;
  });

  const crc = efi_crc32(array.subarray(0, entries * GPT_ENTRY_SIZE));
  const backup_entries_lba = l.last_lba - entry_sectors;
  write(0, protective_mbr(total));
  write(SECTOR, gpt_header(1, l.last_lba, 2, l, entries, crc));
  write(2 * SECTOR, array);
  write(backup_entries_lba * SECTOR, array);
  write(l.last_lba * SECTOR, gpt_header(l.last_lba, 1, backup_entries_lba, l, entries, crc));
  return l;
};

export interface mbr_logical {
  /** Partition type (default 0x83, Linux). */
  type?: number;
  /** Default: aligned, after the EBR that describes it. */
  start_sect?: number;
  sectors: number;
}

export interface mbr_part {
  /** Partition type: default 0x83, or 0x05 when @logicals is given. */
  type?: number;
  start_sect?: number;
  /** Required, except for an extended partition, which defaults to end with its last logical. */
  sectors?: number;
  bootable?: boolean;
  /** Makes this the extended partition; logicals are numbered from 5. */
  logicals?: mbr_logical[];
}

export interface mbr_options {
  /** The 32-bit disk signature at 0x1B8 (part of every PARTUUID). Default: from the seed. */
  disk_signature?: number;
  seed?: number;
  align?: number;
}

export interface mbr_layout {
  disk_signature: number;
  /** Primaries (the extended container included) by slot, then logicals from 5. */
  parts: Array<{ partno: number; type: number; start_sect: number; sectors: number }>;
}

/** CHS of @lba for 255 heads and 63 sectors per track; past 1024 cylinders the usual fe ff ff. */
const chs = (lba: number): number[] => {
  if (lba >= 1024 * 255 * 63) return [0xfe, 0xff, 0xff];
  const c = Math.floor(lba / (255 * 63));
  return [Math.floor(lba / 63) % 255, ((lba % 63) + 1) | ((c >> 2) & 0xc0), c & 0xff];
};

/** Fill record @slot (0-3) of the MBR or EBR @s. */
const put_record = (s: Uint8Array, slot: number, boot: number, type: number, start: number, size: number, chs_base: number): void => {
  const o = 446 + 16 * slot;
  s.set([boot, ...chs(chs_base + start), type, ...chs(chs_base + start + size - 1)], o);
  put_le32(s, o + 8, start);
  put_le32(s, o + 12, size);
};

const boot_sector = (): Uint8Array => {
  const s = new Uint8Array(SECTOR);
  s.set([0x55, 0xaa], 510);
  return s;
};

/**
 * write_mbr() - write a DOS partition table for a disk of @disk_bytes: up to four primaries by
 * slot, at most one of them extended, with its logicals chained through EBRs.
 * Throws RangeError naming the field for anything that does not fit.
 */
export const write_mbr = (write: byte_writer, disk_bytes: number, parts: mbr_part[], options: mbr_options = {}): mbr_layout => {
  const fn = 'write_mbr';
  const total = Math.min(disk_sectors(fn, disk_bytes), 2 ** 32);
  const align = options.align ?? DEFAULT_ALIGN;
  check_count(fn, 'options.align', align, 1);
  if (parts.length > 4) fail(fn, `${parts.length} primary partitions; an MBR holds 4`);
  if (parts.filter((p) => p.logicals).length > 1) fail(fn, 'more than one extended partition');
  const disk_signature = options.disk_signature ?? prng(options.seed ?? 0)();
  check_count(fn, 'options.disk_signature', disk_signature, 0);
  if (disk_signature > 0xffffffff) fail(fn, `options.disk_signature ${disk_signature} does not fit in 32 bits`);
  const mbr = boot_sector();
  put_le32(mbr, 0x1b8, disk_signature);
  const l: mbr_layout = { disk_signature, parts: [] };
  const logical_layout: mbr_layout['parts'] = [];
  let cursor = 1;
  const place = (field: string, start: number, sectors: number): void => {
    check_count(fn, `${field}.start_sect`, start, 1);
    check_count(fn, `${field}.sectors`, sectors, 1);
    if (start + sectors > total) fail(fn, `${field} ends at ${start + sectors - 1}, past the disk or the MBR's 32-bit limit`);
    const end = start + sectors - 1;
    const clash = [...l.parts, ...logical_layout].find((q) => start <= q.start_sect + q.sectors - 1 && q.start_sect <= end);
    if (clash) fail(fn, `${field} overlaps partition ${clash.partno}`);
    cursor = end + 1;
  };

  parts.forEach((p, i) => {
    const field = `parts[${i}]`;
    const start = p.start_sect ?? align_up(cursor, align);
    if (!p.logicals) {
      place(field, start, p.sectors ?? fail(fn, `${field}.sectors is required`));
      const type = p.type ?? 0x83;
      put_record(mbr, i, p.bootable ? 0x80 : 0, type, start, p.sectors!, 0);
      l.parts.push({ partno: i + 1, type, start_sect: start, sectors: p.sectors! });
      return;
    }
    // Logicals: an EBR, then the data, aligned; each EBR links to the next one.
    const ebrs: Array<{ ebr: number; data: number; sectors: number; type: number }> = [];
    let ebr = start;
    p.logicals.forEach((q, k) => {
      const data = q.start_sect ?? align_up(ebr + 1, align);
      if (data <= ebr) fail(fn, `${field}.logicals[${k}].start_sect must follow its EBR at ${ebr}`);
      place(`${field}.logicals[${k}]`, data, q.sectors);
      ebrs.push({ ebr, data, sectors: q.sectors, type: q.type ?? 0x83 });
      logical_layout.push({ partno: 5 + k, type: q.type ?? 0x83, start_sect: data, sectors: q.sectors });
      ebr = data + q.sectors;
    });
    const last = ebrs[ebrs.length - 1];
    const sectors = p.sectors ?? (last ? last.data + last.sectors - start : 1);
    if (last && last.data + last.sectors > start + sectors) fail(fn, `${field}.sectors does not cover its logical partitions`);
    cursor = Math.max(cursor, start + sectors);
    check_count(fn, `${field}.sectors`, sectors, 1);
    if (start + sectors > total) fail(fn, `${field} ends past the disk or the MBR's 32-bit limit`);
    const type = p.type ?? 0x05;
    put_record(mbr, i, p.bootable ? 0x80 : 0, type, start, sectors, 0);
    l.parts.push({ partno: i + 1, type, start_sect: start, sectors });
    ebrs.forEach((x, k) => {
      const s = boot_sector();
      put_record(s, 0, 0, x.type, x.data - x.ebr, x.sectors, x.ebr);
      const n = ebrs[k + 1];
      if (n) put_record(s, 1, 0, 0x05, n.ebr - start, n.data + n.sectors - n.ebr, start);
      write(x.ebr * SECTOR, s);
    });
    if (!ebrs.length) write(start * SECTOR, boot_sector()); // an empty chain: an EBR with no records
  });
  write(0, mbr);
  l.parts.push(...logical_layout);
  return l;
};

/** A sparse in-memory disk: sectors never written read as zeros. For tests and small tools. */
export const sparse_disk = (size: number) => {
  disk_sectors('sparse_disk', size);
  const sectors = new Map<number, Uint8Array>();
  const sector = (n: number): Uint8Array => sectors.get(n) ?? new Uint8Array(SECTOR);
  return {
    size,
    sectors,
    write: (offset: number, bytes: Uint8Array): void => {
      if (offset < 0 || offset + bytes.length > size) fail('sparse_disk.write', `${bytes.length} bytes at ${offset} are outside the disk`);
      for (let done = 0; done < bytes.length; ) {
        const n = Math.floor((offset + done) / SECTOR);
        const off = (offset + done) % SECTOR;
        const len = Math.min(SECTOR - off, bytes.length - done);
        const s = sector(n);
        s.set(bytes.subarray(done, done + len), off);
        sectors.set(n, s);
        done += len;
      }
    },
    /** A read_sectors_fn. */
    read_sectors: async (sector_nr: number, count: number): Promise<Uint8Array | null> => {
      const out = new Uint8Array(count * SECTOR);
      for (let i = 0; i < count; i++) out.set(sector(sector_nr + i), i * SECTOR);
      return out;
    },
  };
};
