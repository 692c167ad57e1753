// SPDX-License-Identifier: GPL-2.0
// Tests for the shipped Kconfig.json and its loader.
import { describe, expect, it } from 'vitest';
import raw from '../../Kconfig.json' with { type: 'json' };
import { default_config, load_kconfig_db, resolve_user_config } from './load.ts';
import { validate_kconfig_db } from './schema.ts';

describe('the shipped Kconfig.json', () => {
  it('passes its own schema', () => {
    expect(validate_kconfig_db(raw)).toMatchObject({ ok: true });
    expect(load_kconfig_db()).toBe(raw);
  });

  it('resolves with every default', () => {
    const c = default_config();
    expect(resolve_user_config({})).toEqual({ ok: true, config: c });
    expect(Object.keys(c).length).toBeGreaterThan(20);
  });

  it('keeps the pstore/blk symbols under their Linux names and defaults', () => {
    const s = load_kconfig_db().symbols;
    expect(s['PSTORE_BLK']).toMatchObject({ type: 'tristate', depends_on: 'PSTORE && MMC_BLOCK', select: ['PSTORE_ZONE'], default: 'n' });
    expect(s['PSTORE_ZONE']!.prompt).toBeUndefined();
    expect(s['PSTORE_BLK_BLKDEV']).toMatchObject({ type: 'string', default: '' });
    expect(s['PSTORE_BLK_KMSG_SIZE']).toMatchObject({ type: 'int', default: 64 });
    expect(s['PSTORE_BLK_MAX_REASON']).toMatchObject({ type: 'int', default: 2 });
    expect(s['PSTORE_DEFAULT_KMSG_BYTES']).toMatchObject({ type: 'int', default: 10240 });
    for (const f of ['PMSG', 'CONSOLE', 'FTRACE']) {
      expect(s[`PSTORE_BLK_${f}_SIZE`]).toMatchObject({ type: 'int', default: 64, depends_on: `PSTORE_BLK && PSTORE_${f}` });
    }
    expect(s['MMC_PSTORE']).toMatchObject({ type: 'tristate', depends_on: 'MMC_BLOCK', select: ['PSTORE_BLK'] });
  });

  it('explains every default that departs from Linux in its help', () => {
    const s = load_kconfig_db().symbols;
    for (const name of ['MODULES', 'PSTORE', 'MMC', 'MMC_SDHCI', 'MMC_PSTORE', 'DEBUG_SPINLOCK', 'PRINTK_TIME']) {
      expect(s[name]!.help, name).toMatch(/default/i);
    }
    expect(s['PSTORE_BLK']!.help).toMatch(/BLOCK/);
  });
});
