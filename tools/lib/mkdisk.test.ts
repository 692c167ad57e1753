// SPDX-License-Identifier: GPL-2.0
import { describe, expect, it } from 'vitest';
import { efi_crc32 } from '../../block/partitions/crc32.ts';
import { guid_bytes, sparse_disk, write_gpt, write_mbr } from './mkdisk.ts';

const MiB = 2 ** 20;

const contents = (d: ReturnType<typeof sparse_disk>): Array<[number, string]> =>
  [...d.sectors].sort(([a], [b]) => a - b).map(([n, s]) => [n, Buffer.from(s).toString('hex')]);

const sector = async (d: ReturnType<typeof sparse_disk>, n: number): Promise<Uint8Array> => (await d.read_sectors(n, 1))!;

describe('write_gpt', () => {
  const parts = [{ name: 'a', sectors: 100 }, { name: 'b', sectors: 2048 }];

  it('writes the same bytes for the same input, and other GUIDs for another seed', () => {
    const [x, y, z] = [sparse_disk(16 * MiB), sparse_disk(16 * MiB), sparse_disk(16 * MiB)];
    const lx = write_gpt(x.write, x.size, parts);
    write_gpt(y.write, y.size, parts);
    const lz = write_gpt(z.write, z.size, parts, { seed: 1 });
    expect(contents(x)).toEqual(contents(y));
    expect(lz.disk_guid).not.toBe(lx.disk_guid);
    expect(lz.parts[0]!.unique_guid).not.toBe(lx.parts[0]!.unique_guid);
    expect(lx.parts[0]!.unique_guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('lays out protective MBR, both headers and both arrays with valid CRCs', async () => {
    const d = sparse_disk(16 * MiB);
    const l = write_gpt(d.write, d.size, parts, { disk_guid: '01020304-0506-0708-090a-0b0c0d0e0f10' });
    expect(l).toMatchObject({ last_lba: 32767, first_usable_lba: 34, last_usable_lba: 32734 });
    expect(l.parts.map((p) => [p.partno, p.start_sect, p.sectors])).toEqual([[1, 2048, 100], [2, 4096, 2048]]);
    const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
    expect([...d.sectors.keys()].sort((a, b) => a - b)).toEqual([...range(0, 34), ...range(32735, 32768)]);
    const mbr = await sector(d, 0);
    expect([...mbr.subarray(446, 462)]).toEqual([0, 0, 2, 0, 0xee, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0xff, 0x7f, 0, 0]);
    for (const [lba, alt, entries] of [[1, 32767, 2], [32767, 1, 32735]] as const) {
      const h = await sector(d, lba);
      const dv = new DataView(h.buffer);
      expect(new TextDecoder().decode(h.subarray(0, 8))).toBe('EFI PART');
      expect([dv.getBigUint64(24, true), dv.getBigUint64(32, true), dv.getBigUint64(72, true)]).toEqual([BigInt(lba), BigInt(alt), BigInt(entries)]);
      const crc = dv.getUint32(16, true);
      h.fill(0, 16, 20);
      expect(efi_crc32(h.subarray(0, 92))).toBe(crc);
      expect(efi_crc32((await d.read_sectors(entries, 32))!)).toBe(dv.getUint32(88, true));
      expect([...h.subarray(56, 60)]).toEqual([4, 3, 2, 1]);
    }
  });

  it('honours explicit starts and refuses what does not fit, naming the field', () => {
    const d = sparse_disk(16 * MiB);
    expect(write_gpt(d.write, d.size, [{ name: 'x', start_sect: 34, sectors: 10 }]).parts[0]!.start_sect).toBe(34);
    expect(() => write_gpt(d.write, d.size, [{ name: 'x', sectors: 40000 }])).toThrow(/parts\[0\] ends at 42047, after the last usable LBA 32734/);
    expect(() => write_gpt(d.write, d.size, [{ name: 'x', sectors: 10 }, { name: 'y', start_sect: 2050, sectors: 1 }])).toThrow(/parts\[1\] overlaps partition 1/);
    expect(() => write_gpt(d.write, d.size, [{ name: 'x'.repeat(37), sectors: 1 }])).toThrow(/parts\[0\]\.name is longer than 36/);
    expect(() => write_gpt(d.write, d.size, [{ name: 'x', sectors: 0 }])).toThrow(/parts\[0\]\.sectors/);
    expect(() => write_gpt(d.write, d.size, [{ name: 'x', sectors: 1, type_guid: 'nope' }])).toThrow(/'nope' is not a GUID/);
    expect(() => write_gpt(d.write, 1000, [])).toThrow(/disk_bytes 1000/);
  });
});

describe('guid_bytes', () => {
  it('stores the first three fields little-endian', () => {
    expect([...guid_bytes('C12A7328-F81F-11D2-BA4B-00A0C93EC93B')]).toEqual([
      0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
    ]);
  });
});

describe('write_mbr', () => {
  it('chains EBRs with data starts relative to each EBR and links relative to the extended partition', async () => {
    const d = sparse_disk(64 * MiB);
    const l = write_mbr(d.write, d.size, [{ sectors: 100 }, { logicals: [{ sectors: 10 }, { sectors: 20 }] }], { disk_signature: 0xdeadbeef });
    expect(l.parts).toEqual([
      { partno: 1, type: 0x83, start_sect: 2048, sectors: 100 },
      { partno: 2, type: 0x05, start_sect: 4096, sectors: 8212 - 4096 },
      { partno: 5, type: 0x83, start_sect: 6144, sectors: 10 },
      { partno: 6, type: 0x83, start_sect: 8192, sectors: 20 },
    ]);
    const le32 = (s: Uint8Array, o: number): number => new DataView(s.buffer).getUint32(o, true);
    const mbr = await sector(d, 0);
    expect(le32(mbr, 0x1b8)).toBe(0xdeadbeef);
    const ebr1 = await sector(d, 4096);
    expect([ebr1[0x1be + 4], le32(ebr1, 0x1be + 8), le32(ebr1, 0x1be + 12)]).toEqual([0x83, 2048, 10]);
    expect([ebr1[0x1ce + 4], le32(ebr1, 0x1ce + 8), le32(ebr1, 0x1ce + 12)]).toEqual([0x05, 6154 - 4096, 8212 - 6154]);
    const ebr2 = await sector(d, 6154);
    expect([ebr2[0x1be + 4], le32(ebr2, 0x1be + 8), le32(ebr2, 0x1be + 12), ebr2[0x1ce + 4]]).toEqual([0x83, 8192 - 6154, 20, 0]);
  });

  it('refuses tables an MBR cannot hold', () => {
    const d = sparse_disk(64 * MiB);
    const p = { sectors: 1 };
    expect(() => write_mbr(d.write, d.size, [p, p, p, p, p])).toThrow(/5 primary partitions/);
    expect(() => write_mbr(d.write, d.size, [{ logicals: [] }, { logicals: [] }])).toThrow(/more than one extended/);
    expect(() => write_mbr(d.write, d.size, [{}])).toThrow(/parts\[0\]\.sectors is required/);
    expect(() => write_mbr(d.write, d.size, [{ sectors: 200000 }])).toThrow(/parts\[0\] ends at/);
    expect(() => write_mbr(d.write, d.size, [{ sectors: 4096 }, { start_sect: 3000, sectors: 10 }])).toThrow(/parts\[1\] overlaps partition 1/);
  });
});
