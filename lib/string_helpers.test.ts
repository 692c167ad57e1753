import { describe, expect, it } from 'vitest';
import { STRING_UNITS_10, STRING_UNITS_2, string_get_size } from './string_helpers.ts';

describe('string_get_size', () => {
  it('prints capacities as Linux block drivers do', () => {
    // 15269888 sectors: a typical "8 GB" eMMC, which Linux shows as 7.28 GiB.
    expect(string_get_size(15269888, 512, STRING_UNITS_2)).toBe('7.28 GiB');
    expect(string_get_size(8192, 512, STRING_UNITS_2)).toBe('4.00 MiB');
    expect(string_get_size(1024, 512, STRING_UNITS_2)).toBe('512 KiB');
    expect(string_get_size(61071360, 512, STRING_UNITS_2)).toBe('29.1 GiB');
    expect(string_get_size(2048, 512, STRING_UNITS_2)).toBe('1.00 MiB');
    expect(string_get_size(0, 512, STRING_UNITS_2)).toBe('0 B');
    expect(string_get_size(1, 512, STRING_UNITS_10)).toBe('512 B');
    expect(string_get_size(15269888, 512, STRING_UNITS_10)).toBe('7.82 GB');
    expect(string_get_size(2 ** 29, 512, STRING_UNITS_2)).toBe('256 GiB');
  });
});
