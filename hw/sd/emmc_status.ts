// SPDX-License-Identifier: GPL-2.0
// eMMC card states and the R1 card status word (JEDEC JESD84-B51 §6.13 "Device status";
// QEMU hw/sd/sd.c keeps the same bits in sd->card_status). The clear conditions matter to a
// host: error bits are reported once and then cleared ("clear on read"), ILLEGAL_COMMAND and
// COM_CRC_ERROR describe the previous command, CURRENT_STATE is the state the card was in when
// the command arrived, READY_FOR_DATA follows the card's current state.

/** Card status bits of an R1 response. */
export const R1 = {
  OUT_OF_RANGE: 0x8000_0000,
  ADDRESS_ERROR: 1 << 30,
  BLOCK_LEN_ERROR: 1 << 29,
  ERASE_SEQ_ERROR: 1 << 28,
  ERASE_PARAM: 1 << 27,
  WP_VIOLATION: 1 << 26,
  CARD_IS_LOCKED: 1 << 25,
  LOCK_UNLOCK_FAILED: 1 << 24,
  COM_CRC_ERROR: 1 << 23,
  ILLEGAL_COMMAND: 1 << 22,
  CARD_ECC_FAILED: 1 << 21,
  CC_ERROR: 1 << 20,
  ERROR: 1 << 19,
  UNDERRUN: 1 << 18,
  OVERRUN: 1 << 17,
  CID_CSD_OVERWRITE: 1 << 16,
  WP_ERASE_SKIP: 1 << 15,
  CARD_ECC_DISABLED: 1 << 14,
  ERASE_RESET: 1 << 13,
  READY_FOR_DATA: 1 << 8,
  SWITCH_ERROR: 1 << 7,
  EXCEPTION_EVENT: 1 << 6,
  APP_CMD: 1 << 5,
} as const;

/** CURRENT_STATE occupies bits 12:9. */
export const R1_STATE_SHIFT = 9;

/** Device states (JEDEC §6.1, Figure "Device state diagram"). */
export type EmmcStateName = 'idle' | 'ready' | 'ident' | 'stby' | 'tran' | 'data' | 'rcv' | 'prg' | 'dis' | 'btst' | 'slp' | 'inactive';

export const EMMC_STATES: readonly EmmcStateName[] = ['idle', 'ready', 'ident', 'stby', 'tran', 'data', 'rcv', 'prg', 'dis', 'btst', 'slp', 'inactive'];

/**
 * CURRENT_STATE codes. Inactive has none: a card in it never answers, so no R1 carries it.
 */
export const STATE_CODE: Readonly<Record<Exclude<EmmcStateName, 'inactive'>, number>> = {
  idle: 0,
  ready: 1,
  ident: 2,
  stby: 3,
  tran: 4,
  data: 5,
  rcv: 6,
  prg: 7,
  dis: 8,
  btst: 9,
  slp: 10,
};

/** Decode CURRENT_STATE from an R1 word (for tests and embedders' traces). */
export function r1State(word: number): EmmcStateName | undefined {
  const code = (word >>> R1_STATE_SHIFT) & 0xf;
  return (Object.keys(STATE_CODE) as (keyof typeof STATE_CODE)[]).find((s) => STATE_CODE[s] === code);
}
