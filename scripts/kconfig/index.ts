// SPDX-License-Identifier: GPL-2.0
// The public face of the config resolver, for init/ and tools/. Models scripts/kconfig/lkc.h,
// the interface conf.c and the other front ends share.
export { resolve_config, resolve_config_or_throw } from './resolve.ts';
export type { resolve_result } from './resolve.ts';
export { default_config, load_kconfig_db, resolve_user_config } from './load.ts';
export { validate_kconfig_db } from './schema.ts';
export { format_dotconfig } from './dotconfig.ts';
export { KconfigError } from './errors.ts';
export { expr_eval, parse_expr, ExprSyntaxError } from './expr.ts';
export type { Expr, ExprEnv } from './expr.ts';
export type { KconfigDb, KconfigSymbol, SymbolType, ConditionalDefault, DefaultValue } from './symbol.ts';
