// SPDX-License-Identifier: GPL-2.0
// Open the image files a board names (card.image, relative to the board file) as the stores of
// its cards, so that a run reads and writes the images in place; or, copy on write, leaving the
// file as it was (a scenario's image, which many runs start from).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileBackend } from '../../hw/block/file.ts';
import { OverlayBackend } from '../../hw/block/overlay.ts';
import type { board } from '../../init/board.ts';
import type { mmc_mock_device } from '../../init/glue/mmc_mock.ts';
import type { board_storage } from '../../init/storage.ts';
import { UsageError } from './cli.ts';
import { openFileHandle } from './node-file.ts';

export const open_board_storage = (b: board, board_path: string, o: { copy_on_write?: boolean } = {}): board_storage => {
  const storage: board_storage = new Map();
  for (const [i, dev] of b.devices.entries()) {
    const card = (dev as mmc_mock_device).card;
    if (!card?.image) continue;
    const path = resolve(dirname(board_path), card.image);
    if (!existsSync(path)) throw new UsageError([`${board_path}: board.devices[${i}].card.image: no such file: ${path}`]);
    const size = statSync(path).size;
    if (size === 0 || size % 512) throw new UsageError([`${board_path}: board.devices[${i}].card.image: size ${size} is not a positive multiple of 512`]);
    const id = (dev as mmc_mock_device).id ?? i;
    const file = new FileBackend({ file: openFileHandle(path, { readOnly: !!o.copy_on_write }) });
    storage.set(`${dev.type}.${id}`, { user: o.copy_on_write ? new OverlayBackend({ base: file }) : file });
  }
  return storage;
};
