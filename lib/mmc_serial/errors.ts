// SPDX-License-Identifier: GPL-2.0
// mmc_serial status/error codes (docs/serial-protocol.md §7) and the Linux errno each maps to.

import { EBUSY, EILSEQ, EIO, ENOMEDIUM, EOPNOTSUPP, EPROTO, ETIMEDOUT } from '../../include/linux/errno.h.ts';

export const SERIAL_OK = 0;
export const SERIAL_TIMEOUT = 1;
export const SERIAL_CRC = 2;
export const SERIAL_ILLEGAL = 3;
export const SERIAL_NO_CARD = 4;
export const SERIAL_OVERFLOW = 5;
export const SERIAL_UNSUPPORTED = 6;
export const SERIAL_MALFORMED = 7;
export const SERIAL_BUSY = 8;
export const SERIAL_SEQUENCE = 9;
export const SERIAL_NO_REPLAY = 10;
export const SERIAL_ABORTED = 11;
export const SERIAL_POWERED_OFF = 12;
export const SERIAL_DATA_CRC = 13;

const ERRNO: readonly number[] = [
  0, -ETIMEDOUT, -EILSEQ, -EIO, -ENOMEDIUM, -EIO, -EOPNOTSUPP, -EPROTO, -EBUSY, -EPROTO, -EILSEQ, -EIO, -ENOMEDIUM, -EILSEQ,
];

/** The negative errno the host reports for a status code; unknown codes are -EIO. */
export function serial_status_to_errno(code: number): number {
  return ERRNO[code] ?? -EIO;
}
