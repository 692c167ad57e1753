// SPDX-License-Identifier: GPL-2.0
// The module loader (kernel/module/main.c, init/main.c do_initcalls): builtins run at boot by
// initcall level in link order; `m` modules load on modprobe with their parameters; a
// module whose symbol is `n` is never even imported.
import { inject, injectable, type DependencyContainer } from 'tsyringe';
import { EEXIST, EINVAL, ENOENT, EPERM } from '../../include/linux/errno.h.ts';
import { INITCALL_LEVELS } from '../../include/linux/init.h.ts';
import { KCONFIG, type kconfig } from '../../include/linux/kconfig.h.ts';
import { KBUILD, MACHINE_CONTAINER, type kbuild_entry, type module, type module_api } from '../../include/linux/module.h.ts';
import { Cmdline } from '../cmdline.ts';
import { Printk } from '../printk/printk.ts';
import { parse_module_params } from './params.ts';

/**
 * Module code once imported, for every machine after: a dynamic import() of a module already
 * loaded still costs a trip through the loader (under tsx, a message to its hooks thread: 10 %
 * of an exploration point, which boots twice). Module objects hold no state.
 */
const images = new WeakMap<kbuild_entry, module>();

const load = async (e: kbuild_entry): Promise<module> => {
  const cached = images.get(e);
  if (cached) return cached;
  const mod = await e.load();
  images.set(e, mod);
  return mod;
};

interface loaded {
  readonly mod: module;
  state: 'builtin' | 'live' | 'failed';
}

@injectable()
export class Modules implements module_api {
  private readonly loaded = new Map<string, loaded>();

  constructor(
    @inject(KBUILD) private readonly kbuild: readonly kbuild_entry[],
    @inject(KCONFIG) private readonly config: kconfig,
    @inject(Cmdline) private readonly cmdline: Cmdline,
    @inject(Printk) private readonly printk: Printk,
    @inject(MACHINE_CONTAINER) private readonly container: DependencyContainer,
  ) {}

  /** do_initcalls(): every `y` module, level by level, in link order within a level. */
  async do_initcalls(): Promise<void> {
    for (const level of INITCALL_LEVELS) {
      for (const e of this.kbuild) {
        if (e.initcall !== level || this.config[e.config] !== 'y') continue;
        const mod = await load(e);
        const ret = await this.init(mod, {});
        this.loaded.set(e.name, { mod, state: ret ? 'failed' : 'builtin' });
        if (ret) this.printk.pr_debug(`initcall ${e.name}_init returned ${ret}\n`);
      }
    }
  }

  async modprobe(name: string, params: Record<string, string | number | boolean> = {}): Promise<number> {
    const e = this.kbuild.find((k) => k.name === name);
    const value = e && this.config[e.config];
    if (!e || (value !== 'y' && value !== 'm')) {
      this.printk.pr_err(`modprobe: FATAL: Module ${name} not found\n`);
      return -ENOENT;
    }
    const had = this.loaded.get(name);
    if (value === 'y' || had?.state === 'live') return 0;
    for (const dep of e.depends ?? []) {
      const ret = await this.modprobe(dep);
      if (ret) return ret;
    }
    const mod = await load(e);
    const ret = await this.init(mod, params);
    if (!ret) this.loaded.set(name, { mod, state: 'live' });
    return ret;
  }

  async insmod(mod: module, params: Record<string, string | number | boolean> = {}): Promise<number> {
    if (this.loaded.has(mod.name)) return -EEXIST;
    const ret = await this.init(mod, params);
    if (!ret) this.loaded.set(mod.name, { mod, state: 'live' });
    return ret;
  }

  async rmmod(name: string): Promise<number> {
    const l = this.loaded.get(name);
    if (!l || l.state === 'failed') return -ENOENT;
    if (l.state === 'builtin') return -EPERM;
    await l.mod.module_exit?.(this.container);
    this.loaded.delete(name);
    return 0;
  }

  module_state(name: string): 'builtin' | 'live' | 'failed' | null {
    return this.loaded.get(name)?.state ?? null;
  }

  private async init(mod: module, given: Record<string, string | number | boolean>): Promise<number> {
    const p = parse_module_params(mod.name, mod.params ?? {}, { ...this.cmdline.module_params(mod.name), ...given });
    for (const w of p.warnings) this.printk.pr_warn(w + '\n');
    for (const err of p.errors) this.printk.pr_err(err + '\n');
    if (p.errors.length) return -EINVAL;
    return mod.module_init(this.container, p.values);
  }
}
