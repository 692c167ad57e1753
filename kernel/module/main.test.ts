// The module loader: builtins run at boot by initcall level in link order with command-line
// parameters; an `m` module runs only on modprobe, with its parameters; `n` is never imported.
import { describe, expect, it } from 'vitest';
import { EINVAL, ENOENT, EPERM } from '../../include/linux/errno.h.ts';
import type { kbuild_entry, module, module_params } from '../../include/linux/module.h.ts';
import { MODULES } from '../../include/linux/module.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';

/** Test modules stand on existing tristate symbols so that config decides y, m or n. */
const make_tree = (log: string[], imported: string[]) => {
  const mod = (name: string, ret = 0): module => ({
    name,
    params: { size: { type: 'ulong', default: 64 }, verbose: { type: 'bool', default: false }, dev: { type: 'charp', default: '' } },
    module_init: async (_c, p: module_params) => {
      log.push(`${name} init size=${p['size']} verbose=${p['verbose']} dev=${p['dev']}`);
      return ret;
    },
    module_exit: async () => {
      log.push(`${name} exit`);
    },
  });
  const entry = (name: string, config: string, initcall: kbuild_entry['initcall'], ret = 0): kbuild_entry => ({
    name,
    config,
    initcall,
    load: async () => {
      imported.push(name);
      return mod(name, ret);
    },
  });
  // Listed out of level order on purpose: levels decide, then link order.
  return [
    entry('late_one', 'PSTORE', 'late'),
    entry('dev_a', 'MMC', 'device'),
    entry('core_one', 'MMC_BLOCK', 'core'),
    entry('dev_b', 'MMC_SDHCI', 'device'),
    entry('modular', 'MMC_MOCK', 'device'),
    entry('disabled', 'MMC_SERIAL', 'device'),
    entry('failing', 'MMC_PSTORE', 'device', -EINVAL),
  ];
};

describe('module loader', () => {
  it('runs builtins by initcall level, then link order, with command-line params', async () => {
    const log: string[] = [];
    const imported: string[] = [];
    const m = await boot_test_machine({
      config: { MMC_MOCK: 'm', MMC_SERIAL: 'n' },
      cmdline: 'dev_a.size=0x100 dev_b.verbose=y late_one.dev=mmcblk0p3 modular.size=7',
      kbuild: make_tree(log, imported),
    });
    expect(log).toEqual([
      'core_one init size=64 verbose=false dev=',
      'dev_a init size=256 verbose=false dev=',
      'dev_b init size=64 verbose=true dev=',
      'failing init size=64 verbose=false dev=',
      'late_one init size=64 verbose=false dev=mmcblk0p3',
    ]);
    expect(imported).not.toContain('modular');
    expect(imported).not.toContain('disabled');
    const mods = m.resolve(MODULES);
    expect(mods.module_state('dev_a')).toBe('builtin');
    expect(mods.module_state('failing')).toBe('failed');
    expect(mods.module_state('modular')).toBeNull();
  });

  it('loads an m module only on modprobe, with its params over the command line, once', async () => {
    const log: string[] = [];
    const imported: string[] = [];
    const m = await boot_test_machine({ config: { MMC_MOCK: 'm' }, cmdline: 'modular.size=7 modular.dev=x', kbuild: make_tree(log, imported) });
    log.length = 0;
    expect(await m.modprobe('modular', { dev: 'mmcblk0', verbose: '1' })).toBe(0);
    expect(log).toEqual(['modular init size=7 verbose=true dev=mmcblk0']);
    expect(m.resolve(MODULES).module_state('modular')).toBe('live');
    expect(await m.modprobe('modular')).toBe(0);
    expect(log).toHaveLength(1);
    expect(await m.exec(0, 'rmmod', () => m.resolve(MODULES).rmmod('modular'))).toBe(0);
    expect(log.at(-1)).toBe('modular exit');
  });

  it('refuses bad parameters, unknown and disabled modules, and removing a builtin', async () => {
    const log: string[] = [];
    const m = await boot_test_machine({ config: { MMC_MOCK: 'm', MMC_SERIAL: 'n' }, kbuild: make_tree(log, []) });
    log.length = 0;
    expect(await m.modprobe('modular', { size: 'lots', colour: 'red' })).toBe(-EINVAL);
    expect(log).toEqual([]);
    expect(m.dmesg()).toContain("modular: unknown parameter 'colour' ignored");
    expect(m.dmesg()).toContain("modular: 'lots' invalid for parameter 'size'");
    expect(await m.modprobe('disabled')).toBe(-ENOENT);
    expect(await m.modprobe('nonesuch')).toBe(-ENOENT);
    expect(m.dmesg()).toContain('modprobe: FATAL: Module nonesuch not found');
    expect(await m.exec(0, 'rmmod', () => m.resolve(MODULES).rmmod('dev_a'))).toBe(-EPERM);
  });
});
