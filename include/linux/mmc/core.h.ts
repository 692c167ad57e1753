// SPDX-License-Identifier: GPL-2.0
// The request vocabulary (include/linux/mmc/core.h): commands, data, requests, response types.
// Errors travel inside the request: ETIMEDOUT no response, EILSEQ CRC or format, EINVAL a host
// restriction, ENOMEDIUM no card.
import type { completion } from '../completion.h.ts';
import type { mmc_host } from './host.h.ts';

export const MMC_RSP_PRESENT = 1 << 0;
export const MMC_RSP_136 = 1 << 1;
export const MMC_RSP_CRC = 1 << 2;
export const MMC_RSP_BUSY = 1 << 3;
export const MMC_RSP_OPCODE = 1 << 4;

export const MMC_CMD_MASK = 3 << 5;
export const MMC_CMD_AC = 0 << 5;
export const MMC_CMD_ADTC = 1 << 5;
export const MMC_CMD_BC = 2 << 5;
export const MMC_CMD_BCR = 3 << 5;

export const MMC_RSP_NONE = 0;
export const MMC_RSP_R1 = MMC_RSP_PRESENT | MMC_RSP_CRC | MMC_RSP_OPCODE;
export const MMC_RSP_R1B = MMC_RSP_PRESENT | MMC_RSP_CRC | MMC_RSP_OPCODE | MMC_RSP_BUSY;
export const MMC_RSP_R2 = MMC_RSP_PRESENT | MMC_RSP_136 | MMC_RSP_CRC;
export const MMC_RSP_R3 = MMC_RSP_PRESENT;
export const MMC_RSP_R4 = MMC_RSP_PRESENT;
export const MMC_RSP_R5 = MMC_RSP_PRESENT | MMC_RSP_CRC | MMC_RSP_OPCODE;
export const MMC_RSP_R6 = MMC_RSP_PRESENT | MMC_RSP_CRC | MMC_RSP_OPCODE;
export const MMC_RSP_R7 = MMC_RSP_PRESENT | MMC_RSP_CRC | MMC_RSP_OPCODE;

export const mmc_resp_type = (cmd: mmc_command): number =>
  cmd.flags & (MMC_RSP_PRESENT | MMC_RSP_136 | MMC_RSP_CRC | MMC_RSP_BUSY | MMC_RSP_OPCODE);
export const mmc_cmd_type = (cmd: mmc_command): number => cmd.flags & MMC_CMD_MASK;

/** Retries the core gives ordinary commands (mmc_wait_for_cmd callers). */
export const MMC_CMD_RETRIES = 3;

export const MMC_DATA_WRITE = 1 << 8;
export const MMC_DATA_READ = 1 << 9;

export interface mmc_command {
  opcode: number;
  arg: number;
  /** Response words; R2 has bits [127:96] in resp[0]. */
  resp: [number, number, number, number];
  flags: number;
  retries: number;
  error: number;
  /** Busy timeout in ms for R1B commands. */
  busy_timeout: number;
  data: mmc_data | null;
  mrq: mmc_request | null;
}

export interface mmc_data {
  /** Data timeout in ns (plus timeout_clks card clocks). */
  timeout_ns: number;
  timeout_clks: number;
  blksz: number;
  blocks: number;
  error: number;
  flags: number;
  bytes_xfered: number;
  stop: mmc_command | null;
  mrq: mmc_request | null;
  /** The data: one contiguous buffer (a single-entry scatterlist), blksz * blocks bytes. */
  buf: Uint8Array;
}

export interface mmc_request {
  /** SET_BLOCK_COUNT (CMD23) sent before cmd, or null. */
  sbc: mmc_command | null;
  cmd: mmc_command;
  data: mmc_data | null;
  stop: mmc_command | null;
  completion: completion | null;
  cmd_completion: completion | null;
  /** Called by mmc_request_done(); null on the panic path, which polls. */
  done: ((mrq: mmc_request) => void) | null;
  host: mmc_host | null;
  cap_cmd_during_tfr: boolean;
}

/** A zeroed command with the given fields (`struct mmc_command cmd = {}` then assignments). */
export const mmc_command_init = (c: Partial<mmc_command>): mmc_command => ({
  opcode: 0, arg: 0, resp: [0, 0, 0, 0], flags: 0, retries: 0, error: 0, busy_timeout: 0, data: null, mrq: null, ...c,
});

export const mmc_data_init = (d: Partial<mmc_data> & Pick<mmc_data, 'buf'>): mmc_data => ({
  timeout_ns: 0, timeout_clks: 0, blksz: 512, blocks: 0, error: 0, flags: 0, bytes_xfered: 0, stop: null, mrq: null, ...d,
});

export const mmc_request_init = (r: Partial<mmc_request> & Pick<mmc_request, 'cmd'>): mmc_request => ({
  sbc: null, data: null, stop: null, completion: null, cmd_completion: null, done: null, host: null, cap_cmd_during_tfr: false, ...r,
});
