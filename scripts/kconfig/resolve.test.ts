// SPDX-License-Identifier: GPL-2.0
// Tests for olddefconfig resolution and every kind of rejection.
import { describe, expect, it } from 'vitest';
import type { kconfig } from '../../include/linux/kconfig.h.ts';
import { KconfigError } from './errors.ts';
import { load_kconfig_db } from './load.ts';
import { resolve_config, resolve_config_or_throw } from './resolve.ts';
import type { KconfigDb, KconfigSymbol } from './symbol.ts';

const sym = (over: Partial<KconfigSymbol>): KconfigSymbol => ({ type: 'bool', prompt: 'p', help: 'h', ...over });

/** A small tree exercising the generic rules, independent of the shipped symbols. */
const TOY: KconfigDb = {
  symbols: {
    MODULES: sym({ default: 'y' }),
    BASE: sym({ type: 'tristate', default: 'y' }),
    DRV: sym({ type: 'tristate', depends_on: 'BASE', default: 'y' }),
    FEAT: sym({ depends_on: 'DRV', default: 'y' }),
    OPT: sym({ type: 'tristate', depends_on: 'BASE', default: 'n' }),
    LIB: sym({ type: 'tristate', depends_on: 'BASE' }),
    USER: sym({ type: 'tristate', depends_on: 'DRV', select: ['LIB', 'FLAG'], default: 'n' }),
    FLAG: sym({}),
    DEFM: sym({ type: 'tristate', default: 'm' }),
    COND: sym({ type: 'tristate', default: [{ value: 'm', if: 'OPT' }, { value: 'DRV', if: 'FEAT' }, { value: 'n' }] }),
    SIZE: sym({ type: 'int', depends_on: 'DRV', range: [1, 100], default: [{ value: 50, if: 'OPT' }, { value: 10 }] }),
    ADDR: sym({ type: 'hex', default: '0x1000', range: [0, '0xffff'] }),
    NAME: sym({ type: 'string', depends_on: 'OPT', default: 'abc' }),
    MODE: sym({ type: 'string', choices: ['a', 'b'], default: 'a' }),
    HIDDEN: sym({ type: 'tristate', prompt: undefined, depends_on: 'BASE' }),
    PULL: sym({ type: 'tristate', default: 'n', select: ['HIDDEN'] }),
  },
};

function ok(db: KconfigDb, user: unknown): kconfig {
  const r = resolve_config(db, user);
  if (!r.ok) throw new Error(`unexpected errors:\n${r.errors.join('\n')}`);
  return r.config;
}
function errs(db: KconfigDb, user: unknown): readonly string[] {
  const r = resolve_config(db, user);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.config)}`);
  return r.errors;
}

describe('olddefconfig', () => {
  it('fills defaults in Kconfig.json order', () => {
    const c = ok(TOY, {});
    expect(Object.keys(c)).toEqual(['MODULES', 'BASE', 'DRV', 'FEAT', 'OPT', 'LIB', 'USER', 'FLAG', 'DEFM', 'COND', 'SIZE', 'ADDR', 'MODE', 'HIDDEN', 'PULL']);
    expect(c).toMatchObject({ DRV: 'y', FEAT: 'y', OPT: 'n', LIB: 'n', DEFM: 'm', COND: 'y', SIZE: 10, ADDR: 0x1000, MODE: 'a', HIDDEN: 'n' });
  });

  it('leaves out symbols whose dependency is n ("is not set")', () => {
    const c = ok(TOY, { BASE: 'n' });
    expect(c.DRV).toBeUndefined();
    expect(c.FEAT).toBeUndefined();
    expect(c.SIZE).toBeUndefined();
    expect(c.NAME).toBeUndefined();
    expect(c.BASE).toBe('n');
  });

  it('clamps a default to its dependency: under an m parent a tristate default y becomes m', () => {
    const c = ok(TOY, { BASE: 'm' });
    expect(c.DRV).toBe('m');
    // A bool under an m dependency may still be y (Kconfig treats m as y for a bool).
    expect(c.FEAT).toBe('y');
  });

  it('takes the first conditional default whose condition holds', () => {
    expect(ok(TOY, { OPT: 'y' })).toMatchObject({ COND: 'm', SIZE: 50, NAME: 'abc' });
    expect(ok(TOY, { DRV: 'm' })).toMatchObject({ COND: 'm' });
    expect(ok(TOY, { DRV: 'n' })).toMatchObject({ COND: 'n' });
  });

  it('select raises the target to at least the selector value', () => {
    expect(ok(TOY, { USER: 'm' })).toMatchObject({ USER: 'm', LIB: 'm', FLAG: 'y' }); // a bool selected by m is y
    expect(ok(TOY, { USER: 'y' })).toMatchObject({ USER: 'y', LIB: 'y' });
    expect(ok(TOY, { USER: 'm', LIB: 'y' })).toMatchObject({ USER: 'm', LIB: 'y' });
    expect(ok(TOY, { PULL: 'm' })).toMatchObject({ HIDDEN: 'm' });
  });

  it('without MODULES every m becomes y, including defaults', () => {
    expect(ok(TOY, { MODULES: 'n' })).toMatchObject({ DEFM: 'y' });
  });

  it('parses user values by type', () => {
    expect(ok(TOY, { FEAT: false, FLAG: true, SIZE: '42', ADDR: '0xBEEF' })).toMatchObject({ FEAT: 'n', FLAG: 'y', SIZE: 42, ADDR: 0xbeef });
    expect(ok(TOY, { ADDR: 17 })).toMatchObject({ ADDR: 17 });
  });

  it('accepts names with and without the CONFIG_ prefix', () => {
    expect(ok(TOY, { CONFIG_OPT: 'y', NAME: 'x', CONFIG_SIZE: 3 })).toMatchObject({ OPT: 'y', NAME: 'x', SIZE: 3 });
  });

  it('accepts n for a symbol whose dependency is n, and a hidden symbol set to what it resolves to', () => {
    expect(ok(TOY, { BASE: 'n', DRV: 'n', FEAT: false })).not.toHaveProperty('DRV');
    expect(ok(TOY, { PULL: 'y', HIDDEN: 'y' })).toMatchObject({ HIDDEN: 'y' });
  });

  it('returns a frozen config, and resolve_config_or_throw returns the same', () => {
    expect(Object.isFrozen(ok(TOY, {}))).toBe(true);
    expect(resolve_config_or_throw(TOY, { OPT: 'm' })).toEqual(ok(TOY, { OPT: 'm' }));
  });
});

describe('rejections, one message each', () => {
  it('not an object', () => {
    expect(errs(TOY, [])).toEqual(['a config must be a JSON object of SYMBOL: value, not an array']);
    expect(errs(TOY, null)).toEqual(['a config must be a JSON object of SYMBOL: value, not null']);
    expect(errs(TOY, 'y')).toEqual(['a config must be a JSON object of SYMBOL: value, not "y"']);
  });

  it('unknown symbol, with a suggestion when one is close', () => {
    expect(errs(TOY, { NOPE_AT_ALL: 'y' })).toEqual(['NOPE_AT_ALL: unknown symbol']);
    expect(errs(TOY, { CONFIG_DRVV: 'y' })).toEqual(['CONFIG_DRVV: unknown symbol (did you mean DRV?)']);
  });

  it('the same symbol given twice, with and without the prefix', () => {
    expect(errs(TOY, { OPT: 'y', CONFIG_OPT: 'y' })).toEqual(['OPT: given twice, as OPT and as CONFIG_OPT']);
  });

  it('wrong type for the symbol', () => {
    expect(errs(TOY, { FEAT: 'm' })).toEqual(['FEAT: "m" is not a bool value (expected "y", "n", true or false)']);
    expect(errs(TOY, { OPT: true })).toEqual(['OPT: true is not a tristate value (expected "y", "m" or "n")']);
    expect(errs(TOY, { SIZE: 'ten' })).toEqual(['SIZE: "ten" is not an int value (expected an integer number or a decimal string)']);
    expect(errs(TOY, { SIZE: 2.5 })).toEqual(['SIZE: 2.5 is not an int value (expected an integer number or a decimal string)']);
    expect(errs(TOY, { ADDR: '1000' })).toEqual(['ADDR: "1000" is not a hex value (expected a non-negative integer number or a "0x..." string)']);
    expect(errs(TOY, { MODE: 1 })).toEqual(['MODE: 1 is not a string']);
  });

  it('value out of range, naming the range', () => {
    expect(errs(TOY, { SIZE: 101 })).toEqual(['SIZE: 101 is out of range (must be 1..100)']);
    expect(errs(TOY, { ADDR: '0x10000' })).toEqual(['ADDR: 0x10000 is out of range (must be 0x0..0xffff)']);
  });

  it('string not among its choices', () => {
    expect(errs(TOY, { MODE: 'c' })).toEqual(['MODE: "c" is not one of its choices: "a", "b"']);
  });

  it('unmet dependency, naming the expression and its symbols values', () => {
    expect(errs(TOY, { BASE: 'n', DRV: 'y' })).toEqual(['DRV=y: unmet dependency: DRV depends on BASE, which is n (BASE=n)']);
    expect(errs(TOY, { NAME: 'x' })).toEqual(['NAME="x": unmet dependency: NAME depends on OPT, which is n (OPT=n)']);
    expect(errs(TOY, { DRV: 'n', SIZE: 5 })).toEqual(['SIZE=5: unmet dependency: SIZE depends on DRV, which is n (DRV=n)']);
  });

  it('y asked for where the dependency allows only m', () => {
    expect(errs(TOY, { BASE: 'm', DRV: 'y' })).toEqual(['DRV=y: can be at most m because it depends on BASE, which is m (BASE=m)']);
  });

  it('m (or n) asked for a tristate that a y symbol selects', () => {
    expect(errs(TOY, { USER: 'y', LIB: 'm' })).toEqual(['LIB=m: must be y because USER=y selects it']);
    expect(errs(TOY, { USER: 'm', LIB: 'n' })).toEqual(['LIB=n: must be at least m because USER=m selects it']);
    expect(errs(TOY, { USER: 'y', FLAG: 'n' })).toEqual(['FLAG=n: must be y because USER=y selects it']);
  });

  it('m with MODULES=n', () => {
    expect(errs(TOY, { MODULES: 'n', OPT: 'm' })).toEqual(['OPT=m: m needs loadable module support, but MODULES=n']);
  });

  it('m in a tree without a MODULES symbol, where every tristate is a bool', () => {
    const flat: KconfigDb = { symbols: { T: sym({ type: 'tristate', default: 'm' }) } };
    expect(ok(flat, {})).toEqual({ T: 'y' });
    expect(errs(flat, { T: 'm' })).toEqual(['T=m: m is impossible: there is no MODULES symbol']);
  });

  it('a select whose target has unmet dependencies', () => {
    expect(errs(TOY, { PULL: 'y', BASE: 'n' })).toEqual(['PULL=y selects HIDDEN, but HIDDEN depends on BASE, which is n (BASE=n)']);
    expect(errs(TOY, { PULL: 'y', BASE: 'm' })).toEqual(['PULL=y selects HIDDEN, but HIDDEN depends on BASE, which is m (BASE=m)']);
  });

  it('a symbol without a prompt set to something else than it resolves to', () => {
    expect(errs(TOY, { HIDDEN: 'y' })).toEqual(['HIDDEN=y: cannot be set: it has no prompt, so only defaults and selects set it; it is n because nothing selects it']);
    expect(errs(TOY, { PULL: 'y', HIDDEN: 'n' })).toEqual(['HIDDEN=n: cannot be set: it has no prompt, so only defaults and selects set it; it is y because PULL=y selects it']);
  });

  it('reports every error at once, parse errors first', () => {
    const e = errs(TOY, { NOPE: 1, FEAT: 'm', SIZE: 0, MODE: 'z', OPT: 'y', CONFIG_OPT: 'n', BASE: 'm', DRV: 'y', NAME: 'q', MODULES: 'n', DEFM: 'm' });
    expect(e).toEqual([
      'NOPE: unknown symbol',
      'FEAT: "m" is not a bool value (expected "y", "n", true or false)',
      'SIZE: 0 is out of range (must be 1..100)',
      'MODE: "z" is not one of its choices: "a", "b"',
      'OPT: given twice, as OPT and as CONFIG_OPT',
      'BASE=m: m needs loadable module support, but MODULES=n',
      'DEFM=m: m needs loadable module support, but MODULES=n',
    ]);
    const e2 = errs(TOY, { NOPE: 1, BASE: 'm', DRV: 'y', NAME: 'q', LIB: 'n', USER: 'm' });
    expect(e2).toEqual([
      'NOPE: unknown symbol',
      'DRV=y: can be at most m because it depends on BASE, which is m (BASE=m)',
      'LIB=n: must be at least m because USER=m selects it',
      'NAME="q": unmet dependency: NAME depends on OPT, which is n (OPT=n)',
    ]);
  });

  it('an invalid database is reported, not resolved, and the throwing form carries every message', () => {
    const bad: KconfigDb = { symbols: { A: sym({ depends_on: 'X' }), B: sym({ select: ['Y'] }) } };
    expect(errs(bad, {})).toEqual(['invalid Kconfig database: A: depends_on: unknown symbol X in "X"', 'invalid Kconfig database: B: select: unknown symbol Y']);
    try {
      resolve_config_or_throw(TOY, { A: 1, B: 2 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KconfigError);
      expect((e as KconfigError).messages).toEqual(['A: unknown symbol', 'B: unknown symbol']);
    }
  });
});

describe('the shipped Kconfig.json', () => {
  const db = load_kconfig_db();

  it('resolves its defaults: the builtin mmcpstore path', () => {
    expect(ok(db, {})).toMatchObject({ MODULES: 'y', MMC: 'y', MMC_BLOCK: 'y', MMC_PSTORE: 'y', PSTORE: 'y', PSTORE_BLK: 'y', PSTORE_ZONE: 'y', PSTORE_BLK_KMSG_SIZE: 64, PSTORE_BLK_MAX_REASON: 2, PSTORE_DEFAULT_KMSG_BYTES: 10240, PSTORE_COMPRESS_PROFILE: '6.1', MMC_SERIAL: 'y' });
    // The frontend sizes follow their frontends, which are off by default as in Linux.
    expect(ok(db, {})).not.toHaveProperty('PSTORE_BLK_PMSG_SIZE');
    expect(ok(db, { PSTORE_PMSG: 'y', PSTORE_CONSOLE: 'y', PSTORE_FTRACE: 'y' })).toMatchObject({ PSTORE_BLK_PMSG_SIZE: 64, PSTORE_BLK_CONSOLE_SIZE: 64, PSTORE_BLK_FTRACE_SIZE: 64 });
  });

  it('MMC_PSTORE=m takes the module path: it selects PSTORE_BLK=m, which selects PSTORE_ZONE=m', () => {
    expect(ok(db, { MMC_PSTORE: 'm' })).toMatchObject({ MMC_PSTORE: 'm', PSTORE_BLK: 'm', PSTORE_ZONE: 'm', PSTORE: 'y' });
  });

  it('MMC=m makes the whole MMC stack modular', () => {
    expect(ok(db, { MMC: 'm' })).toMatchObject({ MMC: 'm', MMC_BLOCK: 'm', MMC_SDHCI: 'm', MMC_MOCK: 'm', MMC_PSTORE: 'm', PSTORE_BLK: 'm' });
  });

  it('PSTORE=n alone is rejected, because MMC_PSTORE (as in the series) selects PSTORE_BLK without depending on PSTORE', () => {
    expect(errs(db, { PSTORE: 'n' })).toContain('MMC_PSTORE=y selects PSTORE_BLK, but PSTORE_BLK depends on PSTORE && MMC_BLOCK, which is n (PSTORE=n, MMC_BLOCK=y)');
    const c = ok(db, { PSTORE: 'n', MMC_PSTORE: 'n' });
    expect(c).not.toHaveProperty('PSTORE_BLK');
    expect(c).not.toHaveProperty('PSTORE_COMPRESS_PROFILE');
  });

  it('PSTORE_COMPRESS_PROFILE takes only its choices, and goes with PSTORE_COMPRESS', () => {
    expect(ok(db, { PSTORE_COMPRESS_PROFILE: '6.6' }).PSTORE_COMPRESS_PROFILE).toBe('6.6');
    expect(errs(db, { PSTORE_COMPRESS_PROFILE: '6.2' })).toEqual(['PSTORE_COMPRESS_PROFILE: "6.2" is not one of its choices: "6.1", "6.6", "none"']);
    expect(errs(db, { PSTORE_COMPRESS: 'n', PSTORE_COMPRESS_PROFILE: '6.6' })).toEqual([
      'PSTORE_COMPRESS_PROFILE="6.6": unmet dependency: PSTORE_COMPRESS_PROFILE depends on PSTORE_COMPRESS, which is n (PSTORE_COMPRESS=n)',
    ]);
  });

  it('a resolved config fed back in resolves to itself', () => {
    for (const user of [{}, { MMC_PSTORE: 'm' }, { MMC: 'm', PSTORE_PMSG: 'y' }, { PSTORE: 'n', MMC_PSTORE: 'n' }]) {
      const c = ok(db, user);
      expect(ok(db, c)).toEqual(c);
    }
  });

  it('every symbol with a prompt can be set to its own default value', () => {
    const defaults = ok(db, {});
    for (const [name, v] of Object.entries(defaults)) {
      if (db.symbols[name]!.prompt === undefined) continue;
      expect(ok(db, { [name]: v }), name).toEqual(defaults);
    }
  });
});
