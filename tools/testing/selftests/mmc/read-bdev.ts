// SPDX-License-Identifier: GPL-2.0
// Boot the test board on an image file and print sectors of a block device as hex: a second
// process reading what the first wrote. Usage: read-bdev.ts IMAGE BDEV SECTOR COUNT
import 'reflect-metadata';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { GIB, boot_mmc_machine, image_storage } from '../../mmc.ts';

const [image, name, sector, count] = process.argv.slice(2);
const m = await boot_mmc_machine({ storage: image_storage(image!, 8 * GIB) });
const block = m.resolve(BLOCK);
const buf = new Uint8Array(Number(count) * 512);
const err = await m.exec(0, 'reader', () => block.bdev_read(block.lookup_bdev(name!)!, Number(sector), buf));
process.stdout.write(`${err} ${Buffer.from(buf).toString('hex')}\n`);
