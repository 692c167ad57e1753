// SPDX-License-Identifier: GPL-2.0
// A machine for a benchmark: the board and config a scenario would get on @host (pstore on the
// card's third partition, mmcpstore built in with @variant), booted, pstore mounted.
import 'reflect-metadata';
import { PSTOREFS } from '../../include/linux/pstore.h.ts';
import { Machine } from '../../init/machine.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { scenario_board, scenario_config } from '../../tools/scenario/board.ts';
import type { host_kind, scenario } from '../../tools/scenario/schema.ts';

export interface bench_machine_options {
  readonly host: host_kind;
  readonly variant?: string;
  /** As a scenario's "board" (card capacity, controller caps, quirks). */
  readonly board?: scenario['board'];
}

const as_scenario = (o: bench_machine_options): scenario => ({
  name: `bench-${o.host}`,
  description: 'benchmark',
  steps: [],
  expect: { outcome: {} },
  ...(o.board ? { board: o.board } : {}),
});

export const boot_bench_machine = async (o: bench_machine_options): Promise<Machine> => {
  const s = as_scenario(o);
  const config = resolve_config_or_throw(load_kconfig_db(), scenario_config(s, o.variant ?? 'proposed'));
  const m = await Machine.boot({ config, board: scenario_board(s, o.host), seed: 1 });
  await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
  return m;
};

/** Run @fn as a task on CPU 0 until it returns; throw if the machine could not finish it. */
export const in_task = async <T>(m: Machine, fn: () => Promise<T>): Promise<T> => {
  const r = await m.exec(0, 'bench', fn);
  if (r === undefined) throw new Error(`the bench task did not finish (halted: ${m.halted ?? 'no'})`);
  return r;
};
