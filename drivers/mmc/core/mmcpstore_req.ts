// SPDX-License-Identifier: GPL-2.0
// The requests mmcpstore issues (mmcpstore.c mmcpstore_do_request_internal / _do_request), shared
// by its normal path and every panic variant: CMD17/18/24/25 at card-absolute addresses, CMD23
// with forced programming for writes when the host has CMD23, a 2 s data timeout, chunks no
// larger than the host takes, and read-modify-write through the bounce buffer for pieces that
// are not whole sectors.
import { EIO } from '../../../include/linux/errno.h.ts';
import { mmc_card_blockaddr, type mmc_card } from '../../../include/linux/mmc/card.h.ts';
import {
  MMC_CMD_AC,
  MMC_CMD_ADTC,
  MMC_DATA_READ,
  MMC_DATA_WRITE,
  MMC_RSP_R1,
  mmc_command_init,
  mmc_data_init,
  mmc_request_init,
  type mmc_request,
} from '../../../include/linux/mmc/core.h.ts';
import { MMC_CAP_CMD23 } from '../../../include/linux/mmc/host.h.ts';
import * as X from '../../../include/linux/mmc/mmc.h.ts';
import type { mmcpstore_panic_target } from '../../../include/linux/mmc/panic.h.ts';

const SECTOR = 512;
const CMD_ERRORS = X.R1_OUT_OF_RANGE | X.R1_ADDRESS_ERROR | X.R1_BLOCK_LEN_ERROR | X.R1_WP_VIOLATION | X.R1_CC_ERROR | X.R1_ERROR;

/** One chunk's request: @buf (whole sectors) at card sector @sector of the user area. */
export const mmcpstore_mrq = (card: mmc_card, write: boolean, sector: number, buf: Uint8Array): mmc_request => {
  const blocks = buf.length / SECTOR;
  const multi = blocks > 1;
  const opcode = write ? (multi ? X.MMC_WRITE_MULTIPLE_BLOCK : X.MMC_WRITE_BLOCK) : multi ? X.MMC_READ_MULTIPLE_BLOCK : X.MMC_READ_SINGLE_BLOCK;
  const cmd = mmc_command_init({ opcode, arg: mmc_card_blockaddr(card) ? sector : sector * SECTOR, flags: MMC_RSP_R1 | MMC_CMD_ADTC });
  const data = mmc_data_init({ buf, blksz: SECTOR, blocks, flags: write ? MMC_DATA_WRITE : MMC_DATA_READ, timeout_ns: 2e9 });
  const mrq = mmc_request_init({ cmd, data });
  if (multi && card.host.caps & MMC_CAP_CMD23)
    mrq.sbc = mmc_command_init({ opcode: X.MMC_SET_BLOCK_COUNT, arg: (blocks | (write ? X.MMC_CMD23_ARG_FORCED_PRG : 0)) >>> 0, flags: MMC_RSP_R1 | MMC_CMD_AC });
  return mrq;
};

/** The first error of a finished request, card status errors included. */
export const mmcpstore_mrq_error = (mrq: mmc_request): number =>
  mrq.sbc?.error || mrq.cmd.error || mrq.data?.error || (mrq.cmd.resp[0] & CMD_ERRORS ? -EIO : 0);

/** Issue one chunk: 0 or -errno. */
export type mmcpstore_chunk_io = (write: boolean, sector: number, buf: Uint8Array) => Promise<number>;

/** Largest chunk the host takes, in bytes. */
export const mmcpstore_max_chunk = (card: mmc_card): number => {
  const max = Math.min(card.host.max_req_size, card.host.max_blk_count * SECTOR);
  return max - (max % SECTOR);
};

/**
 * mmcpstore_do_request(): @buf at byte @off of the window, in chunks through @io; an unaligned
 * piece is read, patched and written back through the bounce buffer. Returns @buf.length or -errno.
 */
export const mmcpstore_do_request = async (t: mmcpstore_panic_target, io: mmcpstore_chunk_io, write: boolean, buf: Uint8Array, off: number): Promise<number> => {
  if (!buf.length) return 0;
  const first = Math.floor(off / SECTOR);
  const end = Math.ceil((off + buf.length) / SECTOR);
  const aligned = off % SECTOR === 0 && buf.length % SECTOR === 0;
  const max = mmcpstore_max_chunk(t.card);
  const span = aligned ? buf : new Uint8Array((end - first) * SECTOR);
  if (!aligned && span.length > t.bounce.length) return -EIO;
  if (!aligned || !write) {
    for (let done = 0; done < span.length; done += max) {
      const err = await io(false, t.start_sect + first + done / SECTOR, span.subarray(done, Math.min(span.length, done + max)));
      if (err) return err;
    }
    if (!write) {
      if (!aligned) buf.set(span.subarray(off - first * SECTOR, off - first * SECTOR + buf.length));
      return buf.length;
    }
    span.set(buf, off - first * SECTOR);
  }
  for (let done = 0; done < span.length; done += max) {
    const err = await io(true, t.start_sect + first + done / SECTOR, span.subarray(done, Math.min(span.length, done + max)));
    if (err) return err;
  }
  return buf.length;
};
