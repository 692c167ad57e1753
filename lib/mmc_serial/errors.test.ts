import { describe, expect, it } from 'vitest';
import { EBUSY, EILSEQ, EIO, ENOMEDIUM, EOPNOTSUPP, ETIMEDOUT } from '../../include/linux/errno.h.ts';
import {
  SERIAL_ABORTED,
  SERIAL_BUSY,
  SERIAL_CRC,
  SERIAL_DATA_CRC,
  SERIAL_ILLEGAL,
  SERIAL_MALFORMED,
  SERIAL_NO_CARD,
  SERIAL_NO_REPLAY,
  SERIAL_OK,
  SERIAL_OVERFLOW,
  SERIAL_POWERED_OFF,
  SERIAL_SEQUENCE,
  SERIAL_TIMEOUT,
  SERIAL_UNSUPPORTED,
  serial_status_to_errno,
} from './errors.ts';

describe('serial_status_to_errno', () => {
  it('maps every code as docs/serial-protocol.md §7 says', () => {
    const table: [number, number][] = [
      [SERIAL_OK, 0],
      [SERIAL_TIMEOUT, -ETIMEDOUT],
      [SERIAL_CRC, -EILSEQ],
      [SERIAL_ILLEGAL, -EIO],
      [SERIAL_NO_CARD, -ENOMEDIUM],
      [SERIAL_OVERFLOW, -EIO],
      [SERIAL_UNSUPPORTED, -EOPNOTSUPP],
      [SERIAL_MALFORMED, -71],
      [SERIAL_BUSY, -EBUSY],
      [SERIAL_SEQUENCE, -71],
      [SERIAL_NO_REPLAY, -EILSEQ],
      [SERIAL_ABORTED, -EIO],
      [SERIAL_POWERED_OFF, -ENOMEDIUM],
      [SERIAL_DATA_CRC, -EILSEQ],
    ];
    expect(table.map(([c]) => c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    for (const [code, errno] of table) expect(serial_status_to_errno(code)).toBe(errno);
  });

  it('treats unknown codes as -EIO, never as success', () => {
    for (const code of [14, 99, 255, -1]) expect(serial_status_to_errno(code)).toBe(-EIO);
  });
});
