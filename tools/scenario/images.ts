// SPDX-License-Identifier: GPL-2.0
// --keep-images: a run's final card, saved as raw files a real kernel or tools/pstore-read can
// read: the user area as NAME.img (sparse on disk: only written chunks are written), the boot
// partitions beside it as NAME.boot0.img and NAME.boot1.img.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { SparseBackend } from '../../hw/block/sparse.ts';
import type { board_storage } from '../../init/storage.ts';
import { UsageError } from '../lib/cli.ts';
import { copy_sparse } from '../lib/copy-sparse.ts';

const STEP = 1 << 20;

/** Byte ranges of @b a copy must write: a sparse store's chunks, or everything. */
const extents = function* (b: BlockBackend): Generator<{ offset: number; length: number }> {
  if (b instanceof SparseBackend && b.fillByte === 0) return yield* b.extents();
  for (let offset = 0; offset < b.size; offset += STEP) yield { offset, length: Math.min(STEP, b.size - offset) };
};

const save = (b: BlockBackend, path: string): void => {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, b.size);
    for (const { offset, length } of extents(b)) {
      const buf = new Uint8Array(length);
      b.read(offset, buf);
      if (buf.some((x) => x !== 0)) writeSync(fd, buf, 0, length, offset);
    }
  } finally {
    closeSync(fd);
  }
};

/** Save every card of @storage under @dir as @name (plus the device key when there are several); the paths written. */
export const save_card_images = (storage: board_storage, dir: string, name: string): string[] => {
  const out: string[] = [];
  for (const [key, card] of storage) {
    const base = join(dir, storage.size > 1 ? `${name}-${key}` : name);
    for (const [part, b] of [['', card.user], ['.boot0', card.boot0], ['.boot1', card.boot1]] as const) {
      if (!b) continue;
      save(b, `${base}${part}.img`);
      out.push(`${base}${part}.img`);
    }
  }
  return out;
};

/** A bridge's image file, saved as @name (sparse, as the bridge left it). */
export const copy_image = (image: string, dir: string, name: string): string => {
  const path = join(dir, `${name}.img`);
  copy_sparse(image, path);
  return path;
};

/** --keep-images DIR must be a directory that exists (nothing is created or overwritten outside it). */
export const check_image_dir = (dir: string): void => {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    throw new UsageError([`--keep-images ${dir}: no such directory`]);
  }
  if (!ok) throw new UsageError([`--keep-images ${dir}: not a directory`]);
};

/** The file name of a run: scenario, host, variant, seed and exploration point. */
export const image_name = (scenario: string, host: string, variant: string, seed: number, point?: number): string =>
  `${scenario}-${host}-${variant}-seed${seed}${point !== undefined ? `-p${point}` : ''}`;
