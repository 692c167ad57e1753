// SPDX-License-Identifier: GPL-2.0
// check_partition(): parser order, what is printed when nothing is found, and the DI export.
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { PARTITIONS } from '../../include/linux/genhd.h.ts';
import { sparse_disk, write_gpt } from '../../tools/lib/mkdisk.ts';
import { check_partition, disk_partition_name, register_partitions } from './check.ts';

const MiB = 2 ** 20;

describe('check_partition', () => {
  it('prints nothing for a blank disk, as Linux since the "unknown partition table" line went', async () => {
    const d = sparse_disk(8 * MiB);
    expect(await check_partition('mmcblk0', d.size / 512, d.read_sectors)).toEqual({ parts: [], message: '', warnings: [], debug: [], err: 0 });
  });

  it('reports an unreadable disk once, after every parser had its try', async () => {
    const calls: number[] = [];
    const r = await check_partition('mmcblk1', 2048, async (s) => (calls.push(s), null));
    expect(r).toEqual({ parts: [], message: ' mmcblk1: unable to read partition table', warnings: [], debug: [], err: -1 });
    expect(calls).toEqual([0, 0]); // efi's protective MBR read (a failure it ignores), then msdos's
  });

  it('reads a hybrid MBR as GPT, and never falls back to its MBR records', async () => {
    const d = sparse_disk(64 * MiB);
    write_gpt(d.write, d.size, [{ name: 'a', sectors: 2048 }, { name: 'b', sectors: 2048 }]);
    d.write(446 + 16, Uint8Array.from([0, 0, 0, 0, 0x0c, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0])); // 0x0C at 4096
    const scan = () => check_partition('mmcblk0', d.size / 512, d.read_sectors);
    expect(await scan()).toMatchObject({ message: ' mmcblk0: p1 p2', parts: [{ volname: 'a' }, { volname: 'b' }] });
    d.write(512, new Uint8Array(512)); // primary GPT header gone: msdos still defers to the 0xEE record
    expect(await scan()).toMatchObject({ parts: [], message: '', err: 0 });
  });

  it('does not read a disk of capacity 0, and refuses arguments that are not a disk', async () => {
    const never = () => Promise.reject(new Error('read'));
    expect(await check_partition('mmcblk0', 0, never)).toMatchObject({ parts: [], message: '', err: 0 });
    await expect(check_partition('mmcblk0', -1, never)).rejects.toThrow(RangeError);
    await expect(check_partition('mmcblk0', 1.5, never)).rejects.toThrow(RangeError);
    await expect(check_partition('', 8, never)).rejects.toThrow(RangeError);
  });

  it('treats a short read as a bug of the reader', async () => {
    await expect(check_partition('mmcblk0', 8, async () => new Uint8Array(512))).rejects.toThrow(/returned 512 bytes for 8 sectors/);
  });

  it('is exported under PARTITIONS', () => {
    const c = container.createChildContainer();
    register_partitions(c);
    expect(c.resolve(PARTITIONS).check_partition).toBe(check_partition);
  });
});

describe('disk_partition_name', () => {
  it('puts a "p" between a trailing digit and the number', () => {
    expect(disk_partition_name('mmcblk0', 1)).toBe('mmcblk0p1');
    expect(disk_partition_name('nvme0n1', 12)).toBe('nvme0n1p12');
    expect(disk_partition_name('sda', 2)).toBe('sda2');
    expect(disk_partition_name('mmcblk0boot0', 1)).toBe('mmcblk0boot0p1');
  });
});
