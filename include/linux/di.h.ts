// SPDX-License-Identifier: GPL-2.0
// Dependency-injection tokens: our EXPORT_SYMBOL. A token is a unique symbol typed with the
// interface it stands for, so `@inject(TOKEN)` and `c.resolve(TOKEN)` agree on the type.
import type { InjectionToken } from 'tsyringe';

/** A DI token for an interface declared in `include/`. */
export type token<T> = InjectionToken<T> & symbol;

/**
 * define_token() - declare the token for an interface, right below it.
 * @param name  "header#interface", unique across the tree.
 */
export const define_token = <T>(name: string): token<T> => Symbol(name) as token<T>;
