// Zone placement and register_pstore_zone's checks: research/pstore.md §3.1's worked examples
// offset for offset, the ftrace cut that yields more zones than CPUs, and every refused
// configuration with Linux's message and errno.
import { describe, expect, it } from 'vitest';
import { EINVAL, ENOMEM } from '../../include/linux/errno.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { psz_check_sizes, psz_ftrace_geometry, psz_layout, type psz_layout_params } from './zone_layout.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const base: psz_layout_params = { total_size: MiB, kmsg_size: 0, pmsg_size: 0, console_size: 0, ftrace_size: 0, nr_cpus: 1 };
const ok = (p: Partial<psz_layout_params>) => {
  const r = psz_layout({ ...base, ...p });
  if (!r.ok) throw new Error(r.error);
  return r.layout;
};

describe('psz_alloc_zones placement', () => {
  it('1 MiB, only kmsg 64 KiB: 16 zones at 0x0..0xF0000, payload at +52, 65484 bytes each', () => {
    const l = ok({ kmsg_size: 64 * KiB });
    expect(l.pmsg).toBeNull();
    expect(l.console).toBeNull();
    expect(l.ftrace).toEqual([]);
    expect(l.kmsg.map((z) => z.offset)).toEqual(Array.from({ length: 16 }, (_, i) => i * 0x10000));
    expect(l.kmsg.every((z) => z.type === PSTORE_TYPE_DMESG && z.name === 'dmesg' && z.size === 0x10000 && z.buffer_size === 65524)).toBe(true);
    expect(l.kmsg.map((z) => z.index)).toEqual([...Array(16).keys()]);
    // 12-byte zone header + 40-byte kmsg header: pstore_info.bufsize = kmsg_size - 52.
    expect(l.kmsg[0]!.buffer_size - 40).toBe(65484);
  });

  it('pmsg = console = ftrace = kmsg = 64 KiB, 4 CPUs, 1 MiB', () => {
    const l = ok({ kmsg_size: 64 * KiB, pmsg_size: 64 * KiB, console_size: 64 * KiB, ftrace_size: 64 * KiB, nr_cpus: 4 });
    expect(l.pmsg).toEqual({ type: PSTORE_TYPE_PMSG, name: 'pmsg', index: 0, offset: 0, size: 0x10000, buffer_size: 0x10000 - 12 });
    expect(l.console).toEqual({ type: PSTORE_TYPE_CONSOLE, name: 'console', index: 0, offset: 0x10000, size: 0x10000, buffer_size: 0x10000 - 12 });
    expect(l.ftrace.map((z) => [z.type, z.index, z.offset, z.size])).toEqual([
      [PSTORE_TYPE_FTRACE, 0, 0x20000, 0x4000],
      [PSTORE_TYPE_FTRACE, 1, 0x24000, 0x4000],
      [PSTORE_TYPE_FTRACE, 2, 0x28000, 0x4000],
      [PSTORE_TYPE_FTRACE, 3, 0x2c000, 0x4000],
    ]);
    expect(l.kmsg.map((z) => z.offset)).toEqual(Array.from({ length: 13 }, (_, i) => 0x30000 + i * 0x10000));
    const last = l.kmsg.at(-1)!;
    expect(last.offset + last.size - 1).toBe(0xfffff);
    expect(l.zones.map((z) => z.name)).toEqual(['pmsg', 'console', ...Array(4).fill('ftrace'), ...Array(13).fill('dmesg')]);
  });

  it('ftrace: r = floor(F/n), c = floor(F/r), so 10 bytes over 4 CPUs make 5 zones of 2', () => {
    expect(psz_ftrace_geometry(10, 4)).toEqual({ record_size: 2, count: 5 });
    expect(psz_ftrace_geometry(64 * KiB, 4)).toEqual({ record_size: 16 * KiB, count: 4 });
  });

  it('ftrace zones need not be sector-aligned, can outnumber the CPUs, and kmsg starts right after them', () => {
    // 1024 over 45 CPUs: r = 22, c = 46 zones using 1012 bytes; kmsg starts 12 bytes early.
    const l = ok({ total_size: 8192, ftrace_size: 1024, kmsg_size: 1024, nr_cpus: 45 });
    expect(l.ftrace.length).toBe(46);
    expect(l.ftrace.map((z) => z.offset)).toEqual(Array.from({ length: 46 }, (_, i) => i * 22));
    expect(l.ftrace[0]!.buffer_size).toBe(10);
    // floor((8192 - 1024) / 1024) = 7 kmsg zones from 46*22 = 1012.
    expect(l.kmsg.map((z) => z.offset)).toEqual(Array.from({ length: 7 }, (_, i) => 1012 + i * 1024));
  });

  it('leaves the tail after the last kmsg zone unused', () => {
    const l = ok({ total_size: 12288, kmsg_size: 5120 });
    expect(l.kmsg.map((z) => [z.offset, z.size])).toEqual([
      [0, 5120],
      [5120, 5120],
    ]);
  });

  it('caps total_size at 128 MiB with a warning', () => {
    const r = psz_layout({ ...base, total_size: 256 * MiB, kmsg_size: 64 * MiB });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual(['capping size to 128MiB']);
    expect(r.layout.total_size).toBe(128 * MiB);
    expect(r.layout.kmsg.length).toBe(2);
  });
});

describe('register_pstore_zone checks', () => {
  const rejected: Array<[string, Partial<psz_layout_params>, string, number]> = [
    ['total below 4096', { total_size: 2048, kmsg_size: 512 }, 'total_size must be >= 4096', EINVAL],
    ['no record size', {}, 'at least one record size must be non-zero', EINVAL],
    ['total not a multiple of 4096', { total_size: 4096 + 512, kmsg_size: 512 }, 'total_size must be a multiple of 4096', EINVAL],
    ['kmsg below a sector', { kmsg_size: 256 }, 'kmsg_size must be over 512', EINVAL],
    ['kmsg not a multiple of 512', { kmsg_size: 1000 }, 'kmsg_size must be a multiple of 512', EINVAL],
    ['pmsg below a sector', { kmsg_size: 512, pmsg_size: 100 }, 'pmsg_size must be over 512', EINVAL],
    ['console not a multiple of 512', { kmsg_size: 512, console_size: 1536 + 1 }, 'console_size must be a multiple of 512', EINVAL],
    ['ftrace not a multiple of 512', { kmsg_size: 512, ftrace_size: 4000 }, 'ftrace_size must be a multiple of 512', EINVAL],
    ['pmsg larger than the area', { total_size: 4096, pmsg_size: 8192 }, 'no room for pmsg (0x2000@0x0 over 0x1000)', ENOMEM],
    ['console after pmsg past the end', { total_size: 8192, pmsg_size: 4096, console_size: 8192 }, 'no room for console (0x2000@0x1000 over 0x2000)', ENOMEM],
    ['ftrace past the end', { total_size: 8192, console_size: 4096, ftrace_size: 8192, nr_cpus: 2 }, 'no room for zones ftrace (0x2000@0x1000 over 0x2000)', ENOMEM],
    ['kmsg with no room left (6.14 guard)', { total_size: 4096, pmsg_size: 4096, kmsg_size: 512 }, 'zone dmesg total_size too small', EINVAL],
    ['kmsg larger than what is left (6.14 guard)', { total_size: 8192, pmsg_size: 4096, kmsg_size: 6144 }, 'zone dmesg total_size too small', EINVAL],
  ];
  for (const [what, p, msg, errno] of rejected) {
    it(`rejects ${what}: "${msg}"`, () => {
      const r = psz_layout({ ...base, ...p });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect([r.error, r.errno]).toEqual([msg, errno]);
    });
  }

  it('checks name (silently) and read/write, in Linux order after the size presence', () => {
    const p = { ...base, kmsg_size: 512 };
    const r1 = psz_check_sizes(p, { name: '', has_read: true, has_write: true });
    expect(r1).toMatchObject({ ok: false, error: '', errno: EINVAL });
    // The name check comes before the size checks: an empty name wins over a bad size.
    expect(psz_check_sizes({ ...p, kmsg_size: 100 }, { name: '', has_read: true, has_write: true })).toMatchObject({ error: '' });
    const r2 = psz_check_sizes(p, { name: 'x', has_read: true, has_write: false });
    expect(r2).toMatchObject({ ok: false, error: 'no valid general read/write interface', level: 'err', errno: EINVAL });
    expect(psz_check_sizes(p, { name: 'x', has_read: true, has_write: true })).toEqual({ ok: true, total_size: MiB, warnings: [] });
  });

  it('throws on sizes no unsigned long could hold (a caller bug, not a configuration)', () => {
    expect(() => psz_layout({ ...base, kmsg_size: -512 })).toThrow(RangeError);
    expect(() => psz_layout({ ...base, kmsg_size: 512, nr_cpus: 0 })).toThrow(RangeError);
  });
});
