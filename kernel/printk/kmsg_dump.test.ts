// printk records read back through kmsg_dump in syslog form: byte for byte what Linux 6.1
// produced (the expected lines are copied from shared/vectors/oops1-none-1m, a real kernel's
// export), and the newest-first fitting rules of kmsg_dump_get_buffer.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../include/linux/delay.h.ts';
import { KMSG_DUMP, type kmsg_dump_iter } from '../../include/linux/kmsg_dump.h.ts';
import { KERN_CONT, KERN_INFO, PRINTK } from '../../include/linux/printk.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import type { Machine } from '../../init/machine.ts';

/** Lines a Linux 6.1 kernel wrote, as [level, ts_nsec, text, expected syslog line]. */
const LINUX_LINES: Array<[number, number, string, string]> = [
  [6, 519_115_871, 'DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations', '<6>[    0.519115] DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n'],
  [4, 1_772_972_004, ' full_proxy_write+0x53/0x80', '<4>[    1.772972]  full_proxy_write+0x53/0x80\n'],
  [4, 1_774_546_999, '---[ end trace 0000000000000000 ]---', '<4>[    1.774546] ---[ end trace 0000000000000000 ]---\n'],
];

/** Log each message at its virtual time from a task: sleep most of the way, then busy-wait to the ns. */
const log_at = async (m: Machine, entries: Array<[number, string]>): Promise<void> => {
  const d = m.resolve(DELAY);
  const pk = m.resolve(PRINTK);
  await m.exec(0, 'logger', async () => {
    for (const [ts, msg] of entries) {
      if (ts - m.now > 1e9) await d.msleep(Math.floor((ts - m.now) / 1e6) - 10);
      await d.ndelay(ts - m.now);
      pk.printk(msg);
    }
  }, Math.max(...entries.map((e) => e[0])) + 1);
};

const dump_all = (m: Machine, size: number): string[] => {
  const kmsg = m.resolve(KMSG_DUMP);
  const iter: kmsg_dump_iter = { cur_seq: 0, next_seq: 0 };
  kmsg.kmsg_dump_rewind(iter);
  const parts: string[] = [];
  for (let b = kmsg.kmsg_dump_get_buffer(iter, true, size); b; b = kmsg.kmsg_dump_get_buffer(iter, true, size)) {
    parts.push(new TextDecoder().decode(b));
    if (parts.length > 100) break;
  }
  return parts;
};

describe('kmsg_dump syslog format', () => {
  it('reproduces lines a Linux 6.1 kernel wrote, byte for byte', async () => {
    const m = await boot_test_machine();
    const boot_records = m.resolve(KMSG_DUMP);
    await log_at(
      m,
      LINUX_LINES.map(([lvl, ts, text]) => [ts, `\x01${lvl}${text}\n`]),
    );
    const iter: kmsg_dump_iter = { cur_seq: 0, next_seq: 0 };
    boot_records.kmsg_dump_rewind(iter);
    const lines: string[] = [];
    for (let l = boot_records.kmsg_dump_get_line(iter, true); l !== null; l = boot_records.kmsg_dump_get_line(iter, true)) lines.push(l);
    expect(lines.slice(-3)).toEqual(LINUX_LINES.map((x) => x[3]));
  });

  it('formats big timestamps, default levels, inner newlines and continuations', async () => {
    const m = await boot_test_machine();
    const s = 1_000_000_000;
    await log_at(m, [
      [12 * s + 345_678_901, 'no level given\n'],
      [13 * s, '\x015first\nsecond\n'],
      [14 * s, KERN_INFO + 'abc'],
      [14 * s + 1, KERN_CONT + 'def\n'],
      [123_456 * s + 1_000, '\x013wide\n'],
    ]);
    const text = dump_all(m, 1 << 16).join('');
    const expected =
      '<4>[   12.345678] no level given\n' +
      '<5>[   13.000000] first\n<5>[   13.000000] second\n' +
      '<6>[   14.000000] abcdef\n' +
      '<3>[123456.000001] wide\n';
    expect(text.slice(-expected.length)).toBe(expected);
    expect(m.reports).toHaveLength(0);
    expect(m.dmesg().endsWith('[   14.000000] abcdef\n[123456.000001] wide\n')).toBe(true);
  });
});

describe('kmsg_dump_get_buffer', () => {
  it('returns the newest records that fit in size - 1 bytes, then the older ones', async () => {
    const m = await boot_test_machine();
    const s = 1_000_000_000;
    const msgs = ['one', 'two', 'three', 'four'].map((w, i): [number, string] => [(20 + i) * s, `\x016${w}\n`]);
    await log_at(m, msgs);
    const line = (w: string, i: number) => `<6>[   ${20 + i}.000000] ${w}\n`;
    const four = line('four', 3);
    const three = line('three', 2);
    // Exactly the two newest lines plus the NUL Linux reserves: both fit.
    const size = four.length + three.length + 1;
    const parts = dump_all(m, size);
    expect(parts[0]).toBe(three + four);
    expect(parts[1]).toBe(line('one', 0) + line('two', 1));
    // One byte less and only the newest fits.
    expect(dump_all(m, size - 1)[0]).toBe(four);
  });

  it('returns nothing once the iterator is exhausted, and only records after a rewind', async () => {
    const m = await boot_test_machine();
    await log_at(m, [[5e9, '\x016only\n']]);
    const kmsg = m.resolve(KMSG_DUMP);
    const iter: kmsg_dump_iter = { cur_seq: 0, next_seq: 0 };
    kmsg.kmsg_dump_rewind(iter);
    const total = dump_all(m, 1 << 20).join('');
    expect(total.endsWith('<6>[    5.000000] only\n')).toBe(true);
    iter.cur_seq = iter.next_seq;
    expect(kmsg.kmsg_dump_get_buffer(iter, true, 4096)).toBeNull();
  });

  it('names reasons as Linux does', async () => {
    const m = await boot_test_machine();
    const kmsg = m.resolve(KMSG_DUMP);
    expect([0, 1, 2, 3, 4, 5].map((r) => kmsg.kmsg_dump_reason_str(r))).toEqual(['Unknown', 'Panic', 'Oops', 'Emergency', 'Shutdown', 'Unknown']);
  });
});
