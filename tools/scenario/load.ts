// SPDX-License-Identifier: GPL-2.0
// Scenario files from the command line: files as given, directories as their *.json in name
// order. Every problem of every file is collected before giving up, each naming file and path.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { read_json, UsageError } from '../lib/cli.ts';
import { load_kconfig_db, resolve_config } from '../../scripts/kconfig/index.ts';
import { scenario_config } from './board.ts';
import { check_scenario, type scenario } from './schema.ts';

export const CATALOGUE = new URL('../../scenarios/', import.meta.url).pathname;

export interface loaded_scenario {
  readonly file: string;
  readonly scenario: scenario;
}

const expand = (path: string): string[] => {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError([`${path}: no such file or directory`]);
  }
  if (!st.isDirectory()) return [path];
  const files = readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f));
  if (!files.length) throw new UsageError([`${path}: no scenario (*.json) in this directory`]);
  return files;
};

export const load_scenarios = (paths: readonly string[]): loaded_scenario[] => {
  const files = (paths.length ? paths : [CATALOGUE]).flatMap(expand);
  const errors: string[] = [];
  const out: loaded_scenario[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const r = check_scenario(read_json(file));
    if (!r.ok) {
      errors.push(...r.errors.map((e) => `${file}: ${e}`));
      continue;
    }
    const image = r.scenario.board?.card?.['image'];
    if (typeof image === 'string') {
      const path = resolve(dirname(file), image);
      if (!existsSync(path)) {
        errors.push(`${file}: /board/card/image: no such file: ${path}`);
        continue;
      }
      (r.scenario.board!.card as Record<string, unknown>)['image'] = path;
    }
    const config = resolve_config(load_kconfig_db(), scenario_config(r.scenario, 'v5'));
    if (!config.ok) {
      errors.push(...config.errors.map((e) => `${file}: /config: ${e}`));
      continue;
    }
    const other = names.get(r.scenario.name);
    if (other) errors.push(`${file}: /name: "${r.scenario.name}" is also the name of ${other}`);
    names.set(r.scenario.name, file);
    out.push({ file, scenario: r.scenario });
  }
  if (errors.length) throw new UsageError(errors);
  return out;
};
