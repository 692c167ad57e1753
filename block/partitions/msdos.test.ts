// SPDX-License-Identifier: GPL-2.0
// DOS partition tables as Linux's msdos.c reads them, on tables from tools/lib/mkdisk.ts and
// on hand-made sectors.
import { describe, expect, it } from 'vitest';
import type { check_partition_options } from '../../include/linux/genhd.h.ts';
import { sparse_disk, write_mbr } from '../../tools/lib/mkdisk.ts';
import { check_partition } from './check.ts';

const MiB = 2 ** 20;
type disk = ReturnType<typeof sparse_disk>;

const scan = (d: disk, options?: check_partition_options, read = d.read_sectors) => check_partition('mmcblk0', d.size / 512, read, options);

/** A 16-byte partition record. */
const record = (boot: number, type: number, start: number, size: number): Uint8Array => {
  const r = new Uint8Array(16);
  const dv = new DataView(r.buffer);
  r[0] = boot;
  r[4] = type;
  dv.setUint32(8, start, true);
  dv.setUint32(12, size, true);
  return r;
};

/** A sector with @records from 0x1BE on and the 55AA signature. */
const table = (...records: Uint8Array[]): Uint8Array => {
  const s = new Uint8Array(512);
  records.forEach((r, i) => s.set(r, 0x1be + 16 * i));
  s.set([0x55, 0xaa], 510);
  return s;
};

describe('msdos_partition', () => {
  it('numbers logical partitions from 5 inside " < >" after the extended one', async () => {
    const d = sparse_disk(64 * MiB);
    write_mbr(d.write, d.size, [{ sectors: 20480, bootable: true }, { logicals: [{ sectors: 10240 }, { sectors: 8192, type: 0x82 }] }], {
      disk_signature: 0x1234abcd,
    });
    expect(await scan(d)).toEqual({
      parts: [
        { partno: 1, start_sect: 2048, nr_sects: 20480, uuid: '1234abcd-01' },
        // The extended partition itself: two sectors, room for a boot loader only; no PARTUUID.
        { partno: 2, start_sect: 22528, nr_sects: 2 },
        { partno: 5, start_sect: 24576, nr_sects: 10240, uuid: '1234abcd-05' },
        { partno: 6, start_sect: 36864, nr_sects: 8192, uuid: '1234abcd-06' },
      ],
      message: ' mmcblk0: p1 p2 < p5 p6 >',
      warnings: [],
      debug: [],
      err: 0,
    });
  });

  it('prints the extended partition in its slot, before its logicals', async () => {
    const d = sparse_disk(64 * MiB);
    write_mbr(d.write, d.size, [{ sectors: 2048 }, { sectors: 2048 }, { type: 0x0f, logicals: [{ sectors: 2048 }, { sectors: 2048 }] }, { sectors: 2048 }]);
    expect((await scan(d)).message).toBe(' mmcblk0: p1 p2 p3 < p5 p6 > p4');
    expect((await check_partition('sdb', d.size / 512, d.read_sectors)).message).toBe(' sdb: sdb1 sdb2 sdb3 < sdb5 sdb6 > sdb4');
  });

  it('keeps primaries of any type with a size, skips empty slots, and marks DM6/EZD', async () => {
    const d = sparse_disk(8 * MiB);
    d.write(0, table(record(0, 0, 2048, 100), record(0, 0x83, 4096, 0), record(0, 0x54, 6000, 10), record(0, 0x55, 7000, 10)));
    const r = await scan(d);
    expect(r.message).toBe(' mmcblk0: p1 p3[DM] p4[EZD]');
    expect(r.parts.map((p) => p.partno)).toEqual([1, 3, 4]);
  });

  it('is no table with a boot indicator other than 0 or 0x80, unless sector 0 is a FAT boot sector', async () => {
    const d = sparse_disk(8 * MiB);
    d.write(0, table(record(0x12, 0x83, 2048, 100)));
    expect(await scan(d)).toMatchObject({ parts: [], message: '', err: 0 });
    // reserved sectors 1, two FATs, media 0xF8: a whole-disk FAT file system.
    d.write(14, Uint8Array.of(1, 0, 2));
    d.write(21, Uint8Array.of(0xf8));
    expect(await scan(d)).toMatchObject({ parts: [], message: ' mmcblk0:', err: 0 });
  });

  it('leaves a disk with an 0xEE record to efi, and one without 55AA alone', async () => {
    const d = sparse_disk(8 * MiB);
    d.write(0, table(record(0, 0x83, 2048, 100), record(0, 0xee, 1, 100)));
    expect(await scan(d)).toMatchObject({ parts: [], message: '' });
    d.write(0, new Uint8Array(512));
    expect(await scan(d)).toMatchObject({ parts: [], message: '', err: 0 });
  });

  it('only takes entries 3 and 4 of an EBR when they lie inside the extended partition', async () => {
    const d = sparse_disk(8 * MiB);
    d.write(0, table(record(0, 0x05, 2048, 4096)));
    d.write(2048 * 512, table(record(0, 0x83, 1, 100), record(0, 0, 0, 0), record(0, 0x83, 200, 100), record(0, 0x83, 4000, 500)));
    expect((await scan(d)).parts.slice(1)).toEqual([
      { partno: 5, start_sect: 2049, nr_sects: 100, uuid: '00000000-05' },
      { partno: 6, start_sect: 2248, nr_sects: 100, uuid: '00000000-06' },
    ]);
  });

  it('gives up on an EBR chain after 100 links without a data partition', async () => {
    const d = sparse_disk(8 * MiB);
    d.write(0, table(record(0, 0x05, 2048, 4096)));
    d.write(2048 * 512, table(record(0, 0x05, 0, 4096))); // links to itself
    let reads = 0;
    const r = await scan(d, {}, (s, c) => (reads++, d.read_sectors(s, c)));
    expect(r.message).toBe(' mmcblk0: p1 < >');
    expect(reads).toBe(2); // sector 0's page, shared by efi and msdos, and the EBR's page, once
  });

  it('stops at the partition limit', async () => {
    const d = sparse_disk(64 * MiB);
    write_mbr(d.write, d.size, [{ logicals: [{ sectors: 2048 }, { sectors: 2048 }, { sectors: 2048 }] }]);
    expect((await scan(d, { limit: 7 })).message).toBe(' mmcblk0: p1 < p5 p6 >');
  });

  it('keeps the partitions found when a later EBR cannot be read', async () => {
    const d = sparse_disk(64 * MiB);
    const l = write_mbr(d.write, d.size, [{ logicals: [{ sectors: 2048 }, { sectors: 2048 }] }]);
    const second_ebr = l.parts[1]!.start_sect + 2048;
    const r = await scan(d, {}, (s, c) => (s <= second_ebr && second_ebr < s + c ? Promise.resolve(null) : d.read_sectors(s, c)));
    expect(r).toMatchObject({ message: ' mmcblk0: p1 < p5 >', err: 0 });
  });

  it('returns -1 when sector 0 cannot be read', async () => {
    const d = sparse_disk(8 * MiB);
    const r = await scan(d, {}, () => Promise.resolve(null));
    expect(r).toEqual({ parts: [], message: ' mmcblk0: unable to read partition table', warnings: [], debug: [], err: -1 });
  });
});
