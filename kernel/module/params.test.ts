// Module parameters: the spellings Linux's param_set_*() accept (kstrtobool, kstrto*() with
// base 0), exact integer ranges, and the messages for unknown parameters and bad values.
import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { EINVAL } from '../../include/linux/errno.h.ts';
import type { kconfig } from '../../include/linux/kconfig.h.ts';
import type { kernel_param, module_params, param_type } from '../../include/linux/module.h.ts';
import { Machine } from '../../init/machine.ts';
import { default_config } from '../../scripts/kconfig/index.ts';
import { parse_module_params, parse_param } from './params.ts';

const p = (type: param_type, def: boolean | number | string = 0): kernel_param => ({ type, default: def });

describe('bool parameters (kstrtobool)', () => {
  it.each(['y', 'Y', '1', 'on', 'ON', 'On', 'oN', 'yes', 'true', 'T', 'y\n'])('%j is true', (s) => {
    expect(parse_param(p('bool', false), s)).toBe(true);
  });

  it.each(['n', 'N', '0', 'off', 'OFF', 'Off', 'oF', 'no', 'false', 'F'])('%j is false', (s) => {
    expect(parse_param(p('bool', true), s)).toBe(false);
  });

  it.each(['2', 'x', 'o', 'O', 'ox', 'maybe', ' y', '-1', 'enable'])('%j is rejected', (s) => {
    expect(parse_param(p('bool'), s)).toBeNull();
  });

  it('takes JS booleans and numbers as they are spelled, and a bare word as true', () => {
    expect(parse_param(p('bool'), true)).toBe(true);
    expect(parse_param(p('bool'), false)).toBe(false);
    expect(parse_param(p('bool'), 1)).toBe(true);
    expect(parse_param(p('bool'), 0)).toBe(false);
    expect(parse_param(p('bool'), 2)).toBeNull();
    expect(parse_param(p('bool'), '')).toBe(true); // "mod.flag" with no "=": param_set_bool(NULL)
  });
});

describe('integer parameters (kstrto*, base 0)', () => {
  it.each([
    ['42', 42],
    ['+42', 42],
    ['-42', -42],
    ['0', 0],
    ['-0', 0],
    ['0x1f', 31],
    ['0X1F', 31],
    ['-0x10', -16],
    ['017', 15],
    ['00', 0],
    ['-017', -15],
    ['7\n', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['0x7fffffff', 2147483647],
  ])('int %j is %d', (s, v) => {
    expect(Object.is(parse_param(p('int'), s), v)).toBe(true);
  });

  it.each(['', ' 1', '1 ', '1.5', '1e3', '08', '09', '0x', '0xg', '1a', '--1', '+-1', '-+1', 'ten', '7\n\n', '2147483648', '-2147483649', '0x80000000'])(
    'int %j is rejected',
    (s) => {
      expect(parse_param(p('int'), s)).toBeNull();
    },
  );

  it('uint takes 0 to 4294967295 and no minus sign at all', () => {
    expect(parse_param(p('uint'), '4294967295')).toBe(4294967295);
    expect(parse_param(p('uint'), '0xffffffff')).toBe(4294967295);
    expect(parse_param(p('uint'), '+5')).toBe(5);
    expect(parse_param(p('uint'), '4294967296')).toBeNull();
    expect(parse_param(p('uint'), '-1')).toBeNull();
    expect(parse_param(p('uint'), '-0')).toBeNull(); // kstrtouint() has no '-' at all
  });

  it('long and ulong are range-checked exactly at 64 bits', () => {
    expect(parse_param(p('long'), '-9223372036854775808')).toBe(-(2 ** 63));
    expect(parse_param(p('long'), '9223372036854775807')).toBe(2 ** 63 - 1);
    expect(parse_param(p('long'), '9223372036854775808')).toBeNull();
    expect(parse_param(p('long'), '0x8000000000000000')).toBeNull();
    expect(parse_param(p('long'), '-9223372036854775809')).toBeNull();
    expect(parse_param(p('ulong'), '18446744073709551615')).toBe(2 ** 64);
    expect(parse_param(p('ulong'), '0xffffffffffffffff')).not.toBeNull();
    expect(parse_param(p('ulong'), '18446744073709551616')).toBeNull();
    expect(parse_param(p('ulong'), '-1')).toBeNull();
  });

  it('takes JS numbers through their decimal spelling', () => {
    expect(parse_param(p('int'), 12)).toBe(12);
    expect(parse_param(p('int'), -3)).toBe(-3);
    expect(parse_param(p('uint'), -3)).toBeNull();
    expect(parse_param(p('int'), 1.5)).toBeNull();
    expect(parse_param(p('int'), true)).toBeNull();
  });

  it('charp takes any string', () => {
    expect(parse_param(p('charp', ''), 'mmcblk0p3')).toBe('mmcblk0p3');
    expect(parse_param(p('charp', ''), '')).toBe('');
  });
});

describe('parse_module_params', () => {
  const decl = { verbose: p('bool', false), count: p('uint', 4), blkdev: p('charp', '') };

  it('starts from the defaults and overrides what is given', () => {
    expect(parse_module_params('mod', decl, {})).toEqual({ values: { verbose: false, count: 4, blkdev: '' }, warnings: [], errors: [] });
    expect(parse_module_params('mod', decl, { verbose: 'Y', count: '0x10', blkdev: '/dev/mmcblk0' }).values).toEqual({
      verbose: true,
      count: 16,
      blkdev: '/dev/mmcblk0',
    });
  });

  it('ignores an unknown parameter with a warning', () => {
    const r = parse_module_params('mod', decl, { x: '1', count: 2 });
    expect(r.warnings).toEqual(["mod: unknown parameter 'x' ignored"]);
    expect(r.errors).toEqual([]);
    expect(r.values).toEqual({ verbose: false, count: 2, blkdev: '' });
  });

  it('reports every bad value', () => {
    const r = parse_module_params('mod', decl, { count: '-1', verbose: 'v' });
    expect(r.errors).toEqual(["mod: '-1' invalid for parameter 'count'", "mod: 'v' invalid for parameter 'verbose'"]);
    expect(r.values.count).toBe(4);
  });
});

describe('through modprobe', () => {
  /** A machine whose tree has one module, `testmod` (CONFIG_TEST_MOD=m), recording its init. */
  const boot = async () => {
    const inits: module_params[] = [];
    const m = await Machine.boot({
      config: { ...default_config(), TEST_MOD: 'm' } as kconfig,
      board: { name: 't', cpus: 2, cmdline: 'testmod.count=010 testmod.verbose', devices: [] },
      seed: 1,
      kbuild: [
        {
          name: 'testmod',
          config: 'TEST_MOD',
          initcall: 'device',
          load: async () => ({
            name: 'testmod',
            params: { verbose: p('bool', false), count: p('int', 1) },
            module_init: async (_c: DependencyContainer, params: module_params) => (inits.push(params), 0),
          }),
        },
      ],
    });
    return { m, inits };
  };

  it('merges the command line under the modprobe arguments and warns about unknown ones', async () => {
    const { m, inits } = await boot();
    expect(await m.modprobe('testmod', { bogus: 1 })).toBe(0);
    expect(inits).toEqual([{ verbose: true, count: 8 }]);
    expect(m.dmesg()).toContain("testmod: unknown parameter 'bogus' ignored\n");
  });

  it('refuses to load with a bad value: -EINVAL, the message, and no module_init', async () => {
    const { m, inits } = await boot();
    expect(await m.modprobe('testmod', { count: 'lots' })).toBe(-EINVAL);
    expect(inits).toEqual([]);
    expect(m.dmesg()).toContain("testmod: 'lots' invalid for parameter 'count'\n");
    expect(await m.modprobe('testmod', { count: '-0x20', verbose: 'off' })).toBe(0);
    expect(inits).toEqual([{ verbose: false, count: -32 }]);
  });
});
