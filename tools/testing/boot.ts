// SPDX-License-Identifier: GPL-2.0
// Booting a small machine for a test: the shipped defaults, a board of @cpus CPUs and no
// devices, and whatever modules the test brings.
import type { kbuild_entry } from '../../include/linux/module.h.ts';
import { Machine } from '../../init/machine.ts';
import { resolve_config_or_throw, load_kconfig_db } from '../../scripts/kconfig/index.ts';

export interface test_machine_options {
  cpus?: number;
  seed?: number;
  cmdline?: string;
  /** User config over the defaults, as tools/kconfig takes it. */
  config?: Record<string, unknown>;
  kbuild?: readonly kbuild_entry[];
}

export const boot_test_machine = (o: test_machine_options = {}): Promise<Machine> =>
  Machine.boot({
    config: resolve_config_or_throw(load_kconfig_db(), { NR_CPUS: Math.max(2, o.cpus ?? 2), ...o.config }),
    board: { name: 'test', cpus: o.cpus ?? 2, cmdline: o.cmdline ?? '', devices: [] },
    seed: o.seed ?? 1,
    ...(o.kbuild ? { kbuild: o.kbuild } : {}),
  });
