// SPDX-License-Identifier: GPL-2.0
// Boards with an eMMC behind the mock host, for tests: in memory by default, or on an image
// file, with a GPT of three partitions unless the test says otherwise.
import { FileBackend } from '../../hw/block/file.ts';
import type { board } from '../../init/board.ts';
import type { card_description, mmc_mock_device } from '../../init/glue/mmc_mock.ts';
import { Machine } from '../../init/machine.ts';
import type { board_storage } from '../../init/storage.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { write_gpt } from '../lib/mkdisk.ts';
import { openFileHandle } from '../lib/node-file.ts';
import { parse_size } from '../../init/units.ts';

export const GIB = 2 ** 30;
export const MIB = 2 ** 20;

/** p1 "boot" 64 MiB, p2 "rootfs" 1 GiB, p3 "pstore" 4 MiB. */
export const THREE_PARTITIONS = [
  { name: 'boot', size: '64MiB' },
  { name: 'rootfs', size: '1GiB' },
  { name: 'pstore', size: '4MiB' },
];

export const mmc_board = (card: Partial<card_description> = {}, host: mmc_mock_device['host'] = {}, cpus = 2): board => ({
  name: 'mmc-test',
  cpus,
  cmdline: '',
  devices: [{ type: 'mmc_mock', host, card: { capacity: '8GiB', product_name: 'MMC08G', gpt: THREE_PARTITIONS, ...card } } as mmc_mock_device],
});

/** Storage whose user area is the image file @path (created sparse at @size if missing). */
export const image_storage = (path: string, size: number): board_storage =>
  new Map([['mmc_mock.0', { user: new FileBackend({ file: openFileHandle(path, { create: true, size }) }) }]]);

/** Create a sparse image file of @size bytes holding a GPT of @parts, as a `dd` of a card would. */
export const make_image = (path: string, size: number, parts = THREE_PARTITIONS): void => {
  const file = openFileHandle(path, { create: true, size });
  write_gpt((off, bytes) => file.write(bytes, off), size, parts.map((p) => ({ name: p.name, sectors: parse_size(p.size)! / 512 })));
  file.sync();
  file.close();
};

export interface mmc_machine_options {
  card?: Partial<card_description>;
  host?: mmc_mock_device['host'];
  storage?: board_storage;
  seed?: number;
  cpus?: number;
  config?: Record<string, unknown>;
  cmdline?: string;
}

export const boot_mmc_machine = (o: mmc_machine_options = {}): Promise<Machine> =>
  Machine.boot({
    config: resolve_config_or_throw(load_kconfig_db(), { NR_CPUS: Math.max(2, o.cpus ?? 2), ...o.config }),
    board: mmc_board(o.card, o.host, o.cpus),
    seed: o.seed ?? 1,
    ...(o.cmdline ? { cmdline: o.cmdline } : {}),
    ...(o.storage ? { storage: o.storage } : {}),
  });
