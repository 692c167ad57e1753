// SPDX-License-Identifier: GPL-2.0
// Partition-table detection: check_partition() of block/partitions/check.c (now core.c). Each
// configured parser in turn; the first that recognises the disk wins.
import type { DependencyContainer } from 'tsyringe';
import { ENOSPC } from '../../include/linux/errno.h.ts';
import {
  DISK_MAX_PARTS,
  PARTITIONS,
  type check_partition_options,
  type parsed_partitions,
  type read_sectors_fn,
} from '../../include/linux/genhd.h.ts';
import type { parsed_state } from './check.h.ts';
import { efi_partition } from './efi.ts';
import { msdos_partition } from './msdos.ts';

export { disk_partition_name } from '../../include/linux/genhd.h.ts';

/** check_part[]: CONFIG_EFI_PARTITION before CONFIG_MSDOS_PARTITION, as efi.c requires. */
const check_part: ReadonlyArray<(state: parsed_state) => Promise<number>> = [efi_partition, msdos_partition];

const result = (state: parsed_state, message: string, err: number): parsed_partitions => ({
  parts: state.parts.filter((p) => p !== undefined),
  message: message.replace(/\n$/, ''),
  warnings: state.warnings,
  debug: state.debug,
  err,
});

/**
 * check_partition() - find the partition table of disk @disk_name, @capacity sectors long.
 *
 * Found: the partitions and the line Linux prints (" mmcblk0: p1 p2 p3"). Not found: no
 * partitions and no line, unless a parser hit an I/O error, when Linux prints
 * " mmcblk0: unable to read partition table" and returns an error (see parsed_partitions.err).
 * Context: may sleep.
 */
export const check_partition = async (
  disk_name: string,
  capacity: number,
  read: read_sectors_fn,
  options: check_partition_options = {},
): Promise<parsed_partitions> => {
  if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`check_partition: capacity ${capacity} is not a sector count`);
  if (!disk_name) throw new RangeError('check_partition: empty disk name');
  const state: parsed_state = {
    disk_name,
    name: /[0-9]$/.test(disk_name) ? 'p' : disk_name,
    capacity,
    limit: options.limit ?? DISK_MAX_PARTS,
    force_gpt: options.force_gpt ?? false,
    alternative_gpt_sector: options.alternative_gpt_sector,
    read,
    pages: new Map(),
    parts: [],
    pp_buf: ` ${disk_name}:`,
    warnings: [],
    debug: [],
    access_beyond_eod: false,
    next: 0,
  };
  // bdev_disk_changed() does not scan a disk of capacity 0.
  if (capacity === 0) return result(state, '', 0);

  let res = 0;
  let err = 0;
  for (const parse of check_part) {
    state.parts = [];
    res = await parse(state);
    // An I/O error is not reported yet: the next parser may still recognise the disk.
    if (res < 0) {
      err = res;
      res = 0;
    }
    if (res) break;
  }
  if (res > 0) return result(state, state.pp_buf, 0);
  state.parts = [];
  if (state.access_beyond_eod) err = -ENOSPC;
  return result(state, err ? `${state.pp_buf} unable to read partition table` : '', err);
};

/** Provide check_partition() to the machine in container @c, under PARTITIONS. */
export const register_partitions = (c: DependencyContainer): void => {
  c.register(PARTITIONS, { useValue: { check_partition } });
};
