// SPDX-License-Identifier: GPL-2.0
// The repository's own Kconfig.json, checked. Models the top-level Kconfig that scripts/kconfig
// reads before anything else; a bad one stops the build.
import type { kconfig } from '../../include/linux/kconfig.h.ts';
import raw from '../../Kconfig.json' with { type: 'json' };
import { KconfigError } from './errors.ts';
import { resolve_config } from './resolve.ts';
import type { resolve_result } from './resolve.ts';
import { validate_kconfig_db } from './schema.ts';
import type { KconfigDb } from './symbol.ts';

let db: KconfigDb | undefined;

/**
 * load_kconfig_db() - the shipped Kconfig.json, validated once.
 * Throws KconfigError with every problem if it is invalid (a bug in the tree, not user input).
 */
export function load_kconfig_db(): KconfigDb {
  if (db === undefined) {
    const r = validate_kconfig_db(raw as unknown);
    if (!r.ok) throw new KconfigError(r.errors.map((e) => `Kconfig.json: ${e}`));
    db = raw as unknown as KconfigDb;
  }
  return db;
}

/** resolve_user_config() - resolve_config() against the shipped Kconfig.json. */
export const resolve_user_config = (user: unknown): resolve_result => resolve_config(load_kconfig_db(), user);

/** default_config() - the shipped defaults, resolved (what `tools/kconfig` prints with no file). */
export function default_config(): kconfig {
  const r = resolve_user_config({});
  if (!r.ok) throw new KconfigError(r.errors.map((e) => `Kconfig.json defaults: ${e}`));
  return r.config;
}
