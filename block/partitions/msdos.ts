// SPDX-License-Identifier: GPL-2.0
// DOS/MBR partition tables, as Linux reads them (block/partitions/msdos.c), built with
// CONFIG_EFI_PARTITION and without the BSD/Solaris/UnixWare/Minix/AIX sub-parsers.
import { get_le16, get_le32, msdos_magic_present, put_partition, read_part_sector, type parsed_state } from './check.h.ts';
import { EFI_PMBR_OSTYPE_EFI_GPT } from './efi.ts';

const DOS_EXTENDED_PARTITION = 0x05;
const WIN98_EXTENDED_PARTITION = 0x0f;
const LINUX_EXTENDED_PARTITION = 0x85;
const DM6_PARTITION = 0x54;
const EZD_PARTITION = 0x55;
const SOLARIS_X86_PARTITION = 0x82;
const LINUX_DATA_PARTITION = 0x83;
const LINUX_LVM_PARTITION = 0x8e;
const LINUX_RAID_PARTITION = 0xfd;
/** "IBMA" in EBCDIC, the start of an AIX boot record. */
const AIX_LABEL_MAGIC = [0xc9, 0xc2, 0xd4, 0xc1];
/** Offset of the four 16-byte partition records in an MBR or EBR. */
const PART_TABLE = 0x1be;

/** One struct msdos_partition record. */
interface msdos_partition {
  readonly boot_ind: number;
  readonly sys_ind: number;
  readonly start_sect: number;
  readonly nr_sects: number;
}

const records = (data: Uint8Array): msdos_partition[] =>
  [0, 1, 2, 3].map((i) => {
    const o = PART_TABLE + 16 * i;
    return { boot_ind: data[o]!, sys_ind: data[o + 4]!, start_sect: get_le32(data, o + 8), nr_sects: get_le32(data, o + 12) };
  });

const is_extended_partition = (p: msdos_partition): boolean =>
  p.sys_ind === DOS_EXTENDED_PARTITION || p.sys_ind === WIN98_EXTENDED_PARTITION || p.sys_ind === LINUX_EXTENDED_PARTITION;

/** set_info(): the MBR PARTUUID, disk signature and partition number. */
const mbr_uuid = (disksig: number, slot: number): string => `${disksig.toString(16).padStart(8, '0')}-${slot.toString(16).padStart(2, '0')}`;

/** An AIX disk has no 55AA; it counts as AIX only without Linux partitions and with "_LVM" in sector 7. */
const aix_magic_present = async (state: parsed_state, data: Uint8Array): Promise<boolean> => {
  if (!AIX_LABEL_MAGIC.every((m, i) => data[i] === m)) return false;
  const linux = [SOLARIS_X86_PARTITION, LINUX_RAID_PARTITION, LINUX_DATA_PARTITION, LINUX_LVM_PARTITION];
  if (records(data).some((p) => linux.includes(p.sys_ind) || is_extended_partition(p))) return false;
  const d = await read_part_sector(state, 7);
  return !!d && String.fromCharCode(...d.subarray(0, 4)) === '_LVM';
};

/** A FAT boot sector without a partition table: reserved sectors, FAT count and a valid media byte. */
const is_fat_boot_sector = (data: Uint8Array): boolean => {
  const media = data[21]!;
  return get_le16(data, 14) !== 0 && data[16] !== 0 && (media >= 0xf8 || media === 0xf0);
};

/**
 * parse_extended() - follow the chain of EBRs of the extended partition at @first_sector,
 * numbering logical partitions from state.next (5). Stops quietly on a read error, a missing
 * 55AA, a chain of 100 links without a data partition, or when the numbers run out.
 */
const parse_extended = async (state: parsed_state, first_sector: number, first_size: number, disksig: number): Promise<void> => {
  let this_sector = first_sector;
  let this_size = first_size;
  for (let loopct = 1; loopct <= 100; loopct++) {
    if (state.next === state.limit) return;
    const data = await read_part_sector(state, this_sector);
    if (!data || !msdos_magic_present(data, 510)) return;
    const recs = records(data);
    // Usually entry 1 is the data partition and entry 2 the link; DRDOS and OS/2 use others,
    // and entries 3 and 4 may hold garbage, so those must lie inside the extended partition.
    for (const [i, p] of recs.entries()) {
      if (!p.nr_sects || is_extended_partition(p)) continue;
      const next = this_sector + p.start_sect;
      if (i >= 2) {
        if (p.start_sect + p.nr_sects > this_size) continue;
        if (next < first_sector) continue;
        if (next + p.nr_sects > first_sector + first_size) continue;
      }
      put_partition(state, state.next, next, p.nr_sects, { uuid: mbr_uuid(disksig, state.next) });
      loopct = 0;
      if (++state.next === state.limit) return;
    }
    // The first link, relative to the start of the whole extended partition.
    const link = recs.find((p) => p.nr_sects && is_extended_partition(p));
    if (!link) return;
    this_sector = first_sector + link.start_sect;
    this_size = link.nr_sects;
  }
};

/**
 * msdos_partition() - read an MBR. Returns 1 if one was found (a bare FAT file system counts,
 * with no partitions), 0 if not (no 55AA, a bad boot indicator, or a GPT's 0xEE record), and
 * -1 if sector 0 cannot be read.
 * Context: may sleep.
 */
export const msdos_partition = async (state: parsed_state): Promise<number> => {
  const data = await read_part_sector(state, 0);
  if (!data) return -1;
  // Order matters: some AIX disks have no 55AA.
  if (await aix_magic_present(state, data)) {
    state.pp_buf += ' [AIX]';
    return 0;
  }
  if (!msdos_magic_present(data, 510)) return 0;
  const recs = records(data);
  // With 55AA, this is a partition table or a FAT boot sector: a boot indicator other than
  // 0 or 0x80 rules out the table.
  for (const [i, p] of recs.entries()) {
    if (p.boot_ind !== 0 && p.boot_ind !== 0x80) return i === 0 && is_fat_boot_sector(data) ? 1 : 0;
  }
  if (recs.some((p) => p.sys_ind === EFI_PMBR_OSTYPE_EFI_GPT)) return 0;

  const disksig = get_le32(data, 0x1b8);
  state.next = 5;
  for (const [i, p] of recs.entries()) {
    const slot = i + 1;
    if (!p.nr_sects) continue;
    if (is_extended_partition(p)) {
      // Only two sectors of the container: room for a boot loader, none for a file system.
      put_partition(state, slot, p.start_sect, Math.min(p.nr_sects, 2));
      state.pp_buf += ' <';
      await parse_extended(state, p.start_sect, p.nr_sects, disksig);
      state.pp_buf += ' >';
      continue;
    }
    put_partition(state, slot, p.start_sect, p.nr_sects, { uuid: mbr_uuid(disksig, slot) });
    if (p.sys_ind === DM6_PARTITION) state.pp_buf += '[DM]';
    if (p.sys_ind === EZD_PARTITION) state.pp_buf += '[EZD]';
  }
  state.pp_buf += '\n';
  return 1;
};
