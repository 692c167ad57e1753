// The panic write audit: from the card's side, every write after panic() began is inside the
// pstore window; a variant that writes elsewhere is caught as corruption.
import { injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { MMC_PANIC_VARIANT, type mmc_panic_variant, type mmcpstore_panic_target } from '../../../../include/linux/mmc/panic.h.ts';
import type { module } from '../../../../include/linux/module.h.ts';
import { PanicV5 } from '../../../../drivers/mmc/core/panic/v5.ts';
import { boot_pstore_machine, crash } from '../../mmcpstore.ts';

describe('panic write audit', () => {
  for (const variant of ['v4', 'v5', 'proposed'] as const) {
    it(`${variant}: every panic-path write lands inside the window`, async () => {
      const m = await boot_pstore_machine({ variant });
      await crash(m, 'audit');
      const a = m.panic_audit();
      expect(a.panic_time).not.toBeNull();
      expect(a.writes.length).toBeGreaterThan(0);
      expect(a.outside).toEqual([]);
      expect(a.writes.every((w) => w.part === 'user' && w.offset >= a.window!.start && w.offset + w.length <= a.window!.end)).toBe(true);
    });
  }

  it('reports a variant that also writes the first sector of the card as corruption', async () => {
    @injectable()
    class Stray implements mmc_panic_variant {
      readonly name = 'stray';
      static v5: PanicV5;
      async panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number> {
        const ret = await Stray.v5.panic_write(t, buf, off);
        // Off by the whole window: the same bytes again at the start of the card.
        await Stray.v5.panic_write({ ...t, state: t.state, start_sect: 0 }, buf.subarray(0, 512), 0);
        return ret;
      }
    }
    const stray: module = {
      name: 'stray_variant',
      async module_init(c) {
        Stray.v5 = c.resolve(PanicV5);
        c.register(MMC_PANIC_VARIANT, { useClass: Stray });
        return 0;
      },
    };
    const m = await boot_pstore_machine({ variant: 'v5' });
    expect(await m.insmod(stray)).toBe(0);
    await crash(m, 'stray');
    const a = m.panic_audit();
    expect(a.outside.length).toBeGreaterThan(0);
    expect(a.outside[0]).toMatchObject({ device: 'mmc_mock.0', part: 'user', offset: 0, length: 512 });
  });

  it('is empty when there was no panic', async () => {
    const m = await boot_pstore_machine();
    expect(m.panic_audit()).toMatchObject({ panic_time: null, writes: [], outside: [] });
  });
});
