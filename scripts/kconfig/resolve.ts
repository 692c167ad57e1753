// SPDX-License-Identifier: GPL-2.0
// Resolve a user's config against Kconfig.json, like `make olddefconfig` but strict.
// Models: conf.c (olddefconfig) over confdata.c (reading) and symbol.c (computing values).
import type { kconfig, kconfig_value } from '../../include/linux/kconfig.h.ts';
import { check_config } from './check.ts';
import type { CompiledDb } from './compile.ts';
import { KconfigError } from './errors.ts';
import { calc_fixpoint } from './fixpoint.ts';
import { validate_kconfig_db } from './schema.ts';
import type { db_result } from './schema.ts';
import type { KconfigDb } from './symbol.ts';
import { parse_user_config } from './user.ts';

export type resolve_result = { readonly ok: true; readonly config: kconfig } | { readonly ok: false; readonly errors: readonly string[] };

// A database is checked once, not on every resolve (scenarios resolve many configs).
const checked = new WeakMap<KconfigDb, db_result>();

function compiled(db: KconfigDb): db_result {
  let r = checked.get(db);
  if (r === undefined) {
    r = validate_kconfig_db(db);
    if (typeof db === 'object' && db !== null) checked.set(db, r);
  }
  return r;
}

function resolve_compiled(db: CompiledDb, user: unknown): resolve_result {
  const parsed = parse_user_config(db, user);
  const { states, unstable } = calc_fixpoint(db, parsed.values);
  const errors = [...parsed.errors];
  if (unstable.length > 0) errors.push(`values did not settle (a dependency loop?): ${unstable.join(', ')}`);
  errors.push(...check_config(db, parsed.values, states));
  if (errors.length > 0) return { ok: false, errors };
  const config: Record<string, kconfig_value> = {};
  for (const [name, st] of states) if (st.value !== undefined) config[name] = st.value;
  return { ok: true, config: Object.freeze(config) };
}

/**
 * resolve_config() - defaults filled, dependencies evaluated, selects applied; every problem
 * with the database or the user's config reported, each naming the symbol and the reason.
 * @db:   a Kconfig.json (checked against its schema on first use).
 * @user: a JSON object of symbol (with or without CONFIG_) -> value; {} for all defaults.
 * Context: pure; no I/O.
 */
export function resolve_config(db: KconfigDb, user: unknown): resolve_result {
  const c = compiled(db);
  if (!c.ok) return { ok: false, errors: c.errors.map((e) => `invalid Kconfig database: ${e}`) };
  return resolve_compiled(c.db, user);
}

/** resolve_config_or_throw() - the same, throwing a KconfigError that carries every message. */
export function resolve_config_or_throw(db: KconfigDb, user: unknown): kconfig {
  const r = resolve_config(db, user);
  if (!r.ok) throw new KconfigError(r.errors);
  return r.config;
}
