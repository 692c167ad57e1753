// SPDX-License-Identifier: GPL-2.0
// The shape of Kconfig.json, one entry per config symbol. Models: scripts/kconfig/expr.h
// (struct symbol and its properties: prompt, default, depends on, select, range).

export type SymbolType = 'bool' | 'tristate' | 'int' | 'hex' | 'string';

/**
 * A default's value. bool/tristate: an expression ("y", "m", "n" or e.g. "MMC"), as Kconfig
 * allows `default MMC`. int: an integer. hex: an integer or a "0x..." string. string: a string.
 */
export type DefaultValue = string | number;

/** One entry of a default list: the first whose `if` holds (is not n) wins. */
export interface ConditionalDefault {
  readonly value: DefaultValue;
  readonly if?: string;
}

export interface KconfigSymbol {
  readonly type: SymbolType;
  /** Without a prompt the user cannot set the symbol: only defaults and selects do. */
  readonly prompt?: string;
  readonly default?: DefaultValue | readonly ConditionalDefault[];
  /** An expression; when it is n the symbol is absent from the resolved config. */
  readonly depends_on?: string;
  /** bool/tristate only: each target is raised to at least this symbol's value. */
  readonly select?: readonly string[];
  /** int/hex only, inclusive. hex bounds may be "0x..." strings. */
  readonly range?: readonly [number | string, number | string];
  /** string only: the values allowed. */
  readonly choices?: readonly string[];
  readonly help: string;
}

export interface KconfigDb {
  readonly symbols: Readonly<Record<string, KconfigSymbol>>;
}

/** Symbols whose values are n/m/y. */
export const is_tristate_like = (t: SymbolType): t is 'bool' | 'tristate' => t === 'bool' || t === 'tristate';
