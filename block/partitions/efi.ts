// SPDX-License-Identifier: GPL-2.0
// GUID Partition Table, as Linux reads it (block/partitions/efi.c, efi.h). 512-byte logical
// blocks only, so an LBA is a sector.
import { SECTOR_SIZE } from '../../include/linux/genhd.h.ts';
import { get_le32, get_le64, put_partition, read_part_sector, msdos_magic_present, type parsed_state } from './check.h.ts';
import { efi_crc32 } from './crc32.ts';

const GPT_MBR_PROTECTIVE = 1;
const GPT_MBR_HYBRID = 2;
const GPT_PRIMARY_PARTITION_TABLE_LBA = 1;
export const EFI_PMBR_OSTYPE_EFI_GPT = 0xee;
const GPT_HEADER_SIGNATURE = 0x5452415020494645n; // "EFI PART"
/** sizeof(gpt_header) and sizeof(gpt_entry). */
const GPT_HEADER_SIZE = 92;
const GPT_ENTRY_SIZE = 128;
/** x86-64 with 4 KiB pages: the largest entry array Linux will allocate. */
const KMALLOC_MAX_SIZE = 4 << 20;
/** partition_meta_info.volname holds 63 characters; a GPT name has 36 UTF-16 units. */
const LABEL_MAX = Math.min(64 - 1, 36);

interface gpt_header {
  readonly signature: bigint;
  readonly revision: number;
  readonly header_size: number;
  readonly my_lba: number;
  readonly alternate_lba: number;
  readonly first_usable_lba: number;
  readonly last_usable_lba: number;
  readonly disk_guid: string;
  readonly partition_entry_lba: number;
  readonly num_partition_entries: number;
  readonly sizeof_partition_entry: number;
  readonly partition_entry_array_crc32: number;
}

interface gpt {
  readonly header: gpt_header;
  readonly ptes: Uint8Array;
}

const gpt_header_of = (b: Uint8Array): gpt_header => ({
  signature: new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true),
  revision: get_le32(b, 8),
  header_size: get_le32(b, 12),
  my_lba: get_le64(b, 24),
  alternate_lba: get_le64(b, 32),
  first_usable_lba: get_le64(b, 40),
  last_usable_lba: get_le64(b, 48),
  disk_guid: efi_guid_to_str(b.subarray(56, 72)),
  partition_entry_lba: get_le64(b, 72),
  num_partition_entries: get_le32(b, 80),
  sizeof_partition_entry: get_le32(b, 84),
  partition_entry_array_crc32: get_le32(b, 88),
});

const hex = (v: number, width: number): string => v.toString(16).padStart(width, '0');

/** efi_guid_to_str(), i.e. %pUl: the first three fields little-endian, lower-case. */
export const efi_guid_to_str = (g: Uint8Array): string => {
  const h = (idx: number[]): string => idx.map((i) => hex(g[i]!, 2)).join('');
  return `${h([3, 2, 1, 0])}-${h([5, 4])}-${h([7, 6])}-${h([8, 9])}-${h([10, 11, 12, 13, 14, 15])}`;
};

const last_lba = (state: parsed_state): number => state.capacity - 1;

/** read_lba() - up to @count bytes from @lba on; how many were read stops at the first failed sector. */
const read_lba = async (state: parsed_state, lba: number, count: number): Promise<[Uint8Array, number]> => {
  const buf = new Uint8Array(count);
  let done = 0;
  if (lba > last_lba(state)) return [buf, 0];
  for (let n = lba; done < count; n++) {
    const data = await read_part_sector(state, n);
    if (!data) break;
    const copied = Math.min(SECTOR_SIZE, count - done);
    buf.set(data.subarray(0, copied), done);
    done += copied;
  }
  return [buf, done];
};

/** pmbr_part_valid(): an 0xEE record starting at LBA 1. */
const pmbr_part_valid = (rec: Uint8Array): boolean => rec[4] === EFI_PMBR_OSTYPE_EFI_GPT && get_le32(rec, 8) === GPT_PRIMARY_PARTITION_TABLE_LBA;

/** is_pmbr_valid() - 0 (not a GPT disk), GPT_MBR_PROTECTIVE, or GPT_MBR_HYBRID. */
const is_pmbr_valid = (state: parsed_state, mbr: Uint8Array, total_sectors: number): number => {
  if (!msdos_magic_present(mbr, 510)) return 0;
  const rec = (i: number): Uint8Array => mbr.subarray(446 + 16 * i, 446 + 16 * (i + 1));
  const part = [0, 1, 2, 3].find((i) => pmbr_part_valid(rec(i)));
  if (part === undefined) return 0;
  // Any other non-empty record makes it a hybrid MBR, which is accepted as it is.
  if ([0, 1, 2, 3].some((i) => rec(i)[4] !== EFI_PMBR_OSTYPE_EFI_GPT && rec(i)[4] !== 0)) return GPT_MBR_HYBRID;
  // The size may be wrong on an image dd'ed to a larger disk: only worth a debug line.
  const sz = get_le32(rec(part), 12);
  if (sz !== ((total_sectors >>> 0) - 1) >>> 0 && sz !== 0xffffffff)
    state.debug.push(`GPT: mbr size in lba (${sz}) different than whole disk (${(total_sectors - 1) >>> 0}).`);
  return GPT_MBR_PROTECTIVE;
};

/** alloc_read_gpt_entries() - the entry array, or null if empty or not fully readable. */
const alloc_read_gpt_entries = async (state: parsed_state, h: gpt_header): Promise<Uint8Array | null> => {
  const count = h.num_partition_entries * h.sizeof_partition_entry;
  if (!count) return null;
  const [pte, done] = await read_lba(state, h.partition_entry_lba, count);
  return done < count ? null : pte;
};

/** is_gpt_valid() - the header at @lba and its entries, if every check of efi.c passes. */
const is_gpt_valid = async (state: parsed_state, lba: number): Promise<gpt | null> => {
  const [raw, done] = await read_lba(state, lba, SECTOR_SIZE);
  if (done < SECTOR_SIZE) return null;
  const h = gpt_header_of(raw);
  const fail = (why: string): null => {
    state.debug.push(why);
    return null;
  };
  if (h.signature !== GPT_HEADER_SIGNATURE)
    return fail(`GUID Partition Table Header signature is wrong:${BigInt.asIntN(64, h.signature)} != ${GPT_HEADER_SIGNATURE}`);
  if (h.header_size > SECTOR_SIZE) return fail(`GUID Partition Table Header size is too large: ${h.header_size} > ${SECTOR_SIZE}`);
  if (h.header_size < GPT_HEADER_SIZE) return fail(`GUID Partition Table Header size is too small: ${h.header_size} < ${GPT_HEADER_SIZE}`);
  // The CRC covers header_size bytes with the CRC field itself zeroed.
  const crc_input = raw.slice(0, h.header_size);
  crc_input.fill(0, 16, 20);
  const crc = efi_crc32(crc_input);
  const origcrc = get_le32(raw, 16);
  if (crc !== origcrc) return fail(`GUID Partition Table Header CRC is wrong: ${hex(crc, 1)} != ${hex(origcrc, 1)}`);
  if (h.my_lba !== lba) return fail(`GPT my_lba incorrect: ${h.my_lba} != ${lba}`);
  const lastlba = last_lba(state);
  if (h.first_usable_lba > lastlba) return fail(`GPT: first_usable_lba incorrect: ${h.first_usable_lba} > ${lastlba}`);
  if (h.last_usable_lba > lastlba) return fail(`GPT: last_usable_lba incorrect: ${h.last_usable_lba} > ${lastlba}`);
  if (h.last_usable_lba < h.first_usable_lba) return fail(`GPT: last_usable_lba incorrect: ${h.last_usable_lba} > ${h.first_usable_lba}`);
  if (h.sizeof_partition_entry !== GPT_ENTRY_SIZE) return fail('GUID Partition Entry Size check failed.');
  const pt_size = h.num_partition_entries * h.sizeof_partition_entry;
  if (pt_size > KMALLOC_MAX_SIZE) return fail(`GUID Partition Table is too large: ${pt_size} > ${KMALLOC_MAX_SIZE} bytes`);
  const ptes = await alloc_read_gpt_entries(state, h);
  if (!ptes) return null;
  if (efi_crc32(ptes.subarray(0, pt_size)) !== h.partition_entry_array_crc32) return fail('GUID Partition Entry Array CRC check failed.');
  return { header: h, ptes };
};

/** compare_gpts() - warn about every way the two valid headers disagree with each other or the disk. */
const compare_gpts = (state: parsed_state, p: gpt_header, a: gpt_header, lastlba: number): void => {
  const w = state.warnings;
  const start = w.length;
  const lba_pair = (what: string, x: number, y: number): void => {
    if (x !== y) w.push(`GPT:${what}`, `GPT:${x} != ${y}`);
  };
  const hex_pair = (what: string, x: number, y: number): void => {
    if (x !== y) w.push(`GPT:${what}: 0x${hex(x, 1)} != 0x${hex(y, 1)}`);
  };
  lba_pair('Primary header LBA != Alt. header alternate_lba', p.my_lba, a.alternate_lba);
  lba_pair('Primary header alternate_lba != Alt. header my_lba', p.alternate_lba, a.my_lba);
  lba_pair("first_usable_lbas don't match.", p.first_usable_lba, a.first_usable_lba);
  lba_pair("last_usable_lbas don't match.", p.last_usable_lba, a.last_usable_lba);
  if (p.disk_guid !== a.disk_guid) w.push("GPT:disk_guids don't match.");
  hex_pair("num_partition_entries don't match", p.num_partition_entries, a.num_partition_entries);
  hex_pair("sizeof_partition_entry values don't match", p.sizeof_partition_entry, a.sizeof_partition_entry);
  hex_pair("partition_entry_array_crc32 values don't match", p.partition_entry_array_crc32, a.partition_entry_array_crc32);
  lba_pair('Primary header thinks Alt. header is not at the end of the disk.', p.alternate_lba, lastlba);
  lba_pair('Alternate GPT header not at the end of the disk.', a.my_lba, lastlba);
  if (w.length > start) w.push('GPT: Use GNU Parted to correct GPT errors.');
};

/**
 * find_valid_gpt() - the GPT to use. Without force_gpt the disk needs a protective or hybrid MBR,
 * and the alternate header is only looked for where a valid primary says it is: a disk whose
 * primary GPT is broken has no GPT for Linux unless booted with "gpt".
 */
const find_valid_gpt = async (state: parsed_state): Promise<gpt | null> => {
  const lastlba = last_lba(state);
  if (!state.force_gpt) {
    // A failed read leaves the zeroed buffer, which is no protective MBR.
    const [legacymbr] = await read_lba(state, 0, SECTOR_SIZE);
    if (!is_pmbr_valid(state, legacymbr, state.capacity)) return null;
  }
  const pgpt = await is_gpt_valid(state, GPT_PRIMARY_PARTITION_TABLE_LBA);
  let agpt = pgpt ? await is_gpt_valid(state, pgpt.header.alternate_lba) : null;
  if (!agpt && state.force_gpt) agpt = await is_gpt_valid(state, lastlba);
  if (!agpt && state.force_gpt && state.alternative_gpt_sector !== undefined) agpt = await is_gpt_valid(state, state.alternative_gpt_sector);
  if (!pgpt && !agpt) return null;
  if (pgpt && agpt) compare_gpts(state, pgpt.header, agpt.header, lastlba);
  if (pgpt) {
    if (!agpt) state.warnings.push('Alternate GPT is invalid, using primary GPT.');
    return pgpt;
  }
  state.warnings.push('Primary GPT is invalid, using alternate GPT.');
  return agpt;
};

/** is_pte_valid(): a used entry (non-zero type GUID) that lies on the disk. */
const is_pte_valid = (pte: Uint8Array, lastlba: number): boolean =>
  pte.subarray(0, 16).some((b) => b !== 0) && get_le64(pte, 32) <= lastlba && get_le64(pte, 40) <= lastlba;

/**
 * utf16_le_to_7bit() - Linux's naive name conversion: the low byte of each UTF-16 unit, up to
 * the first NUL, with control characters (kernel ctype: 0x01-0x1f, 0x7f-0x9f) shown as '!'.
 */
const utf16_le_to_7bit = (name: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < LABEL_MAX; i++) {
    const c = name[2 * i]!;
    if (!c) break;
    out += c < 0x20 || (c >= 0x7f && c < 0xa0) ? '!' : String.fromCharCode(c);
  }
  return out;
};

/**
 * efi_partition() - find a GPT and put every valid entry as partition index + 1.
 * Returns 1 if a GPT was found, 0 if not (I/O errors included: efi.c reports none).
 * Context: may sleep.
 */
export const efi_partition = async (state: parsed_state): Promise<number> => {
  const found = await find_valid_gpt(state);
  if (!found) return 0;
  const { header, ptes } = found;
  const lastlba = last_lba(state);
  for (let i = 0; i < header.num_partition_entries && i < state.limit - 1; i++) {
    const pte = ptes.subarray(i * GPT_ENTRY_SIZE, (i + 1) * GPT_ENTRY_SIZE);
    if (!is_pte_valid(pte, lastlba)) continue;
    const start = get_le64(pte, 32);
    // ending_lba < starting_lba wraps in u64, as in C; the block core then truncates it.
    const size = get_le64(pte, 40) - start + 1;
    put_partition(state, i + 1, start, size > 0 ? size : size + 2 ** 64, {
      uuid: efi_guid_to_str(pte.subarray(16, 32)),
      volname: utf16_le_to_7bit(pte.subarray(56, 128)),
    });
  }
  state.pp_buf += '\n';
  return 1;
};
