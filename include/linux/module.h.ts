// SPDX-License-Identifier: GPL-2.0
// Modules (linux/module.h, linux/moduleparam.h). A tristate symbol at `y` runs the module's
// init at boot in its initcall level; at `m` only modprobe() runs it; at `n` it is never
// imported. Registration into the machine's container happens only in module_init.
import type { DependencyContainer } from 'tsyringe';
import { define_token } from './di.h.ts';
import type { initcall_level } from './init.h.ts';

export type param_type = 'bool' | 'int' | 'uint' | 'long' | 'ulong' | 'charp';
export type param_value = boolean | number | string;

/** module_param(name, type, perm) with MODULE_PARM_DESC. */
export interface kernel_param {
  readonly type: param_type;
  readonly default: param_value;
  readonly desc?: string;
}

export type module_params = Readonly<Record<string, param_value>>;

export interface module {
  readonly name: string;
  readonly params?: Readonly<Record<string, kernel_param>>;
  /** Returns 0 or -errno; on error nothing it registered may be used. */
  module_init(c: DependencyContainer, params: module_params): Promise<number>;
  module_exit?(c: DependencyContainer): Promise<void>;
}

/** One line of a Kbuild file: obj-$(CONFIG_X) += x.o, with the level its initcall runs at. */
export interface kbuild_entry {
  /** Module name (what modprobe takes and what "name.param=" prefixes). */
  readonly name: string;
  readonly config: string;
  /** Builtin initcall level; module_init() of a builtin is device_initcall. */
  readonly initcall: initcall_level;
  /** Modules modprobe loads first (modules.dep). */
  readonly depends?: readonly string[];
  readonly load: () => Promise<module>;
}

export interface module_api {
  /** Load @name (a `m` symbol) with @params merged over "name.param=" words of the command line. */
  modprobe(name: string, params?: Record<string, string | number | boolean>): Promise<number>;
  rmmod(name: string): Promise<number>;
  /** insmod of a module from outside the tree (a user's variant, a test module). */
  insmod(mod: module, params?: Record<string, string | number | boolean>): Promise<number>;
  /** State of a module: builtin or loaded (live), or absent. */
  module_state(name: string): 'builtin' | 'live' | 'failed' | null;
}
export const MODULES = define_token<module_api>('linux/module#module_api');

/** Every module the tree can build, in link order (the union of the Kbuild files). */
export const KBUILD = define_token<readonly kbuild_entry[]>('linux/module#kbuild');

/** The machine's container, for module_init()s that a loader runs later. */
export const MACHINE_CONTAINER = define_token<DependencyContainer>('linux/module#machine_container');
