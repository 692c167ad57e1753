// SPDX-License-Identifier: GPL-2.0
// The serial links a board names, opened by the tool before the machine boots (a link nobody
// answers on is bad input, reported up front), and handed to the machine across its reboots.
import type { board } from '../../init/board.ts';
import type { mmc_serial_device } from '../../init/glue/mmc_serial.ts';
import type { serial_link, serial_links } from '../../include/linux/platform_data/mmc_serial.h.ts';
import { UsageError } from '../lib/cli.ts';
import { open_link } from './link.ts';

export interface opened_links extends serial_links {
  close(): void;
}

/** Open every link of @b but "loop"; the machine's glue gets them by URL. */
export const open_board_links = (b: board, board_path: string): opened_links => {
  const links = new Map<string, { link: serial_link; baud: number }>();
  const close = () => {
    for (const l of links.values()) l.link.close();
  };
  try {
    for (const [i, dev] of b.devices.entries()) {
      const url = dev.type === 'mmc_serial' ? (dev as mmc_serial_device).link : 'loop';
      if (url === 'loop' || links.has(url)) continue;
      try {
        const link = open_link(url);
        links.set(url, { link, baud: link.baud });
      } catch (e) {
        throw new UsageError([`${board_path}: board.devices[${i}].link: ${(e as Error).message}`]);
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  return {
    open(url) {
      const l = links.get(url);
      if (!l) throw new Error(`link ${url} was not opened`);
      return l;
    },
    close,
  };
};
