// SPDX-License-Identifier: GPL-2.0
// Dependency-injection tokens: our EXPORT_SYMBOL. A token is a unique symbol typed with the
// interface it stands for, so `@inject(TOKEN)` and `c.resolve(TOKEN)` agree on the type.
import { Lifecycle, type DependencyContainer, type InjectionToken } from 'tsyringe';

/** A DI token for an interface declared in `include/`. */
export type token<T> = InjectionToken<T> & symbol;

/**
 * define_token() - declare the token for an interface, right below it.
 * @param name  "header#interface", unique across the tree.
 */
export const define_token = <T>(name: string): token<T> => Symbol(name) as token<T>;

type service_class = new (...args: never[]) => unknown;

/** Register @cls as a singleton of container @c, and @aliases as tokens that resolve to it. */
export const register_service = (c: DependencyContainer, cls: service_class, aliases: InjectionToken<unknown>[] = []): void => {
  c.register(cls, { useClass: cls }, { lifecycle: Lifecycle.Singleton });
  for (const t of aliases) c.register(t, { useToken: cls });
};
