// SPDX-License-Identifier: GPL-2.0
// GPT as Linux's efi.c reads it, on tables from tools/lib/mkdisk.ts and on damaged copies.
import { describe, expect, it } from 'vitest';
import { ENOSPC } from '../../include/linux/errno.h.ts';
import type { check_partition_options } from '../../include/linux/genhd.h.ts';
import { EFI_SYSTEM_GUID, sparse_disk, write_gpt } from '../../tools/lib/mkdisk.ts';
import { check_partition } from './check.ts';
import { efi_crc32 } from './crc32.ts';

const GiB = 2 ** 30;
const LAST = 8 * 2 ** 21 - 1; // last LBA of an 8 GiB disk
type disk = ReturnType<typeof sparse_disk>;

const PARTS = [
  { name: 'boot', sectors: 65536, type_guid: EFI_SYSTEM_GUID },
  { name: 'rootfs', sectors: 4194304, unique_guid: '11223344-5566-7788-99aa-bbccddeeff00' },
  { name: 'pstore', sectors: 2048 },
];

/** An 8 GiB sparse disk with PARTS laid out for @disk_bytes (default: the whole disk). */
const gpt_disk = (disk_bytes = 8 * GiB): { d: disk; layout: ReturnType<typeof write_gpt> } => {
  const d = sparse_disk(8 * GiB);
  return { d, layout: write_gpt(d.write, disk_bytes, PARTS, { seed: 7 }) };
};

const scan = (d: disk, options?: check_partition_options, read = d.read_sectors) => check_partition('mmcblk0', d.size / 512, read, options);

/** Change the GPT header at @lba and/or its entries, then make both CRCs right again. */
const patch_gpt = async (d: disk, lba: number, fn: (h: DataView, entries: Uint8Array) => void): Promise<void> => {
  const h = (await d.read_sectors(lba, 1))!;
  const dv = new DataView(h.buffer);
  const entries_lba = Number(dv.getBigUint64(72, true));
  const entries = (await d.read_sectors(entries_lba, 32))!;
  fn(dv, entries);
  dv.setUint32(88, efi_crc32(entries.subarray(0, dv.getUint32(80, true) * 128)), true);
  dv.setUint32(16, 0, true);
  dv.setUint32(16, efi_crc32(h.subarray(0, 92)), true);
  d.write(entries_lba * 512, entries);
  d.write(lba * 512, h);
};

/** A UTF-16LE partition name field (72 bytes) holding @units. */
const name_field = (units: number[]): Uint8Array => {
  const b = new Uint8Array(72);
  units.forEach((u, i) => b.set([u & 0xff, u >> 8], 2 * i));
  return b;
};

describe('efi_partition', () => {
  it('reads a three-partition GPT on an 8 GiB disk with a handful of page reads', async () => {
    const { d, layout } = gpt_disk();
    const reads: Array<[number, number]> = [];
    const r = await scan(d, {}, (s, c) => (reads.push([s, c]), d.read_sectors(s, c)));
    expect(r).toEqual({
      parts: [
        { partno: 1, start_sect: 2048, nr_sects: 65536, volname: 'boot', uuid: layout.parts[0]!.unique_guid },
        { partno: 2, start_sect: 67584, nr_sects: 4194304, volname: 'rootfs', uuid: '11223344-5566-7788-99aa-bbccddeeff00' },
        { partno: 3, start_sect: 4261888, nr_sects: 2048, volname: 'pstore', uuid: layout.parts[2]!.unique_guid },
      ],
      message: ' mmcblk0: p1 p2 p3',
      warnings: [],
      debug: [],
      err: 0,
    });
    // Page-sized reads, as through Linux's page cache: pMBR, primary header and entries in the
    // first five pages; then the alternate header in the last page and its entries before it.
    const page = (s: number): [number, number] => [s, 8];
    expect(reads).toEqual([0, 8, 16, 24, 32, LAST - 7, LAST - 39, LAST - 31, LAST - 23, LAST - 15].map(page));
  });

  it('prints partitions of a disk whose name ends in a letter with the disk name', async () => {
    const { d } = gpt_disk();
    expect((await check_partition('sda', d.size / 512, d.read_sectors)).message).toBe(' sda: sda1 sda2 sda3');
  });

  it('takes PARTUUID from the unique GUID in %pUl form (first three fields little-endian)', async () => {
    const { d } = gpt_disk();
    const entry2 = (await d.read_sectors(2, 1))!.subarray(128, 256);
    expect([...entry2.subarray(16, 32)]).toEqual([0x44, 0x33, 0x22, 0x11, 0x66, 0x55, 0x88, 0x77, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00]);
    expect((await scan(d)).parts[1]!.uuid).toBe('11223344-5566-7788-99aa-bbccddeeff00');
  });

  it('skips entries with a zero type GUID or past the disk, keeping numbers = index + 1', async () => {
    const { d } = gpt_disk();
    for (const lba of [1, LAST])
      await patch_gpt(d, lba, (_h, e) => {
        e.fill(0, 0, 16); // entry 1: unused
        new DataView(e.buffer).setBigUint64(128 * 2 + 40, BigInt(LAST + 1), true); // entry 3 ends past the disk
      });
    const r = await scan(d);
    expect(r.parts.map((p) => p.partno)).toEqual([2]);
    expect(r.message).toBe(' mmcblk0: p2');
  });

  it('converts names as Linux does: low byte of each UTF-16 unit, control bytes as "!", up to a NUL byte', async () => {
    const { d } = gpt_disk();
    for (const lba of [1, LAST])
      await patch_gpt(d, lba, (_h, e) => {
        e.set(name_field([0x72, 0xf6, 0x6f, 0x74, 0x20ac, 0x01, 0x9b, 0x7f]), 56); // "rö" "ot" "€" controls
        e.set(name_field([0x61, 0x62, 0x100, 0x63]), 128 + 56); // U+0100 has a zero low byte
        e.set(name_field([]), 256 + 56);
      });
    const r = await scan(d);
    expect(r.parts.map((p) => p.volname)).toEqual(['röot¬!!!', 'ab', undefined]);
  });

  it('stops numbering below the limit (state->limit - 1 entries)', async () => {
    const { d } = gpt_disk();
    expect((await scan(d, { limit: 3 })).message).toBe(' mmcblk0: p1 p2');
  });

  it('accepts a hybrid MBR (0xEE beside other records) and an 0xEE record in any slot', async () => {
    const { d } = gpt_disk();
    d.write(446 + 16, Uint8Array.from([0, 0, 0, 0, 0xee, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    d.write(446, Uint8Array.from([0x80, 0, 0, 0, 0x0c, 0, 0, 0, 0, 8, 0, 0, 0, 0, 1, 0]));
    expect((await scan(d)).message).toBe(' mmcblk0: p1 p2 p3');
  });

  it('needs the protective MBR unless booted with "gpt"; one that does not start at LBA 1 is none', async () => {
    const { d } = gpt_disk();
    d.write(446 + 8, Uint8Array.of(2)); // starting_lba 2
    expect(await scan(d)).toMatchObject({ parts: [], message: '', err: 0 });
    d.write(0, new Uint8Array(512));
    expect(await scan(d)).toMatchObject({ parts: [], message: '', err: 0 });
    expect((await scan(d, { force_gpt: true })).message).toBe(' mmcblk0: p1 p2 p3');
  });

  it('ignores a broken primary header without "gpt", and uses the alternate one with it', async () => {
    const { d } = gpt_disk();
    d.write(512 + 40, Uint8Array.of(0x99)); // first_usable_lba, CRC left stale
    const plain = await scan(d);
    expect(plain).toMatchObject({ parts: [], message: '', warnings: [], err: 0 });
    expect(plain.debug).toEqual([expect.stringMatching(/^GUID Partition Table Header CRC is wrong: [0-9a-f]+ != [0-9a-f]+$/)]);

    const forced = await scan(d, { force_gpt: true });
    expect(forced.message).toBe(' mmcblk0: p1 p2 p3');
    expect(forced.warnings).toEqual(['Primary GPT is invalid, using alternate GPT.']);
  });

  it('checks signature, header size, my_lba and usable range of the primary header', async () => {
    const cases: Array<[(h: DataView) => void, RegExp]> = [
      [(h) => h.setUint8(0, 0x66), /^GUID Partition Table Header signature is wrong:-?\d+ != 6075990659671082565$/],
      [(h) => h.setUint32(12, 513, true), /^GUID Partition Table Header size is too large: 513 > 512$/],
      [(h) => h.setUint32(12, 91, true), /^GUID Partition Table Header size is too small: 91 < 92$/],
      [(h) => h.setBigUint64(24, 2n, true), /^GPT my_lba incorrect: 2 != 1$/],
      [(h) => h.setBigUint64(48, BigInt(LAST + 1), true), /^GPT: last_usable_lba incorrect: 16777216 > 16777215$/],
      [(h) => h.setUint32(84, 256, true), /^GUID Partition Entry Size check failed\.$/],
    ];
    for (const [change, why] of cases) {
      const { d } = gpt_disk();
      await patch_gpt(d, 1, change);
      const r = await scan(d);
      expect(r.message).toBe('');
      expect(r.debug).toEqual([expect.stringMatching(why)]);
    }
  });

  it('rejects a table whose entry array does not match its CRC', async () => {
    const { d } = gpt_disk();
    const bad = Uint8Array.of(0x42);
    d.write(2 * 512 + 56, bad); // a name byte in the primary array
    expect(await scan(d)).toMatchObject({ parts: [], message: '', debug: ['GUID Partition Entry Array CRC check failed.'] });
    expect((await scan(d, { force_gpt: true })).warnings).toEqual(['Primary GPT is invalid, using alternate GPT.']);
    d.write((LAST - 32) * 512 + 56, bad); // and in the backup array
    expect(await scan(d, { force_gpt: true })).toMatchObject({
      parts: [],
      message: '',
      debug: ['GUID Partition Entry Array CRC check failed.', 'GUID Partition Entry Array CRC check failed.'],
    });
  });

  it('warns and keeps the primary when the alternate header is invalid', async () => {
    const { d } = gpt_disk();
    d.write(LAST * 512, new Uint8Array(512));
    const r = await scan(d);
    expect(r.message).toBe(' mmcblk0: p1 p2 p3');
    expect(r.warnings).toEqual(['Alternate GPT is invalid, using primary GPT.']);
  });

  it('warns as Linux does when an image made for a smaller disk was copied to a larger one', async () => {
    const { d } = gpt_disk(4 * GiB);
    const r = await scan(d);
    expect(r.message).toBe(' mmcblk0: p1 p2 p3');
    expect(r.warnings).toEqual([
      'GPT:Primary header thinks Alt. header is not at the end of the disk.',
      'GPT:8388607 != 16777215',
      'GPT:Alternate GPT header not at the end of the disk.',
      'GPT:8388607 != 16777215',
      'GPT: Use GNU Parted to correct GPT errors.',
    ]);
    expect(r.debug).toEqual(['GPT: mbr size in lba (8388607) different than whole disk (16777215).']);
  });

  it('compares the two headers field by field', async () => {
    const { d } = gpt_disk();
    await patch_gpt(d, LAST, (h) => {
      h.setBigUint64(40, 40n, true);
      h.setUint8(56, 0xab);
    });
    const r = await scan(d);
    expect(r.warnings).toEqual([
      "GPT:first_usable_lbas don't match.",
      'GPT:34 != 40',
      "GPT:disk_guids don't match.",
      'GPT: Use GNU Parted to correct GPT errors.',
    ]);
  });

  it('says nothing when the entries cannot be read, and reports -ENOSPC when they lie past the end', async () => {
    const { d } = gpt_disk();
    const failing = (s: number, c: number) => (s >= 8 && s < 40 ? Promise.resolve(null) : d.read_sectors(s, c));
    expect(await scan(d, {}, failing)).toMatchObject({ parts: [], message: '', debug: [], err: 0 });

    await patch_gpt(d, 1, (h) => h.setBigUint64(72, BigInt(LAST - 3), true));
    expect(await scan(d)).toMatchObject({ parts: [], message: ' mmcblk0: unable to read partition table', err: -ENOSPC });
  });
});
