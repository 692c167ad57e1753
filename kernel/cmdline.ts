// SPDX-License-Identifier: GPL-2.0
// The kernel command line (init/main.c parse_args, kernel/params.c): "name=value" words,
// "module.param=value" for module parameters, double quotes around values with spaces.
import { inject, injectable } from 'tsyringe';
import { BOOT_PARAMS, type boot_params } from '../include/linux/init.h.ts';

/** Split a command line into [name, value] pairs; a bare word has the value "" (as for "quiet"). */
export const parse_cmdline = (line: string): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  const re = /([^\s="]+)(?:=("([^"]*)"|\S*))?/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push([m[1]!, m[3] ?? m[2] ?? '']);
  return out;
};

@injectable()
export class Cmdline {
  readonly line: string;
  private readonly words: Array<[string, string]>;

  constructor(@inject(BOOT_PARAMS) params: boot_params) {
    this.line = params.cmdline;
    this.words = parse_cmdline(params.cmdline);
  }

  /** The last value given for @name ("panic", "printk.always_kmsg_dump"), or undefined. */
  get(name: string): string | undefined {
    let v: string | undefined;
    for (const [k, val] of this.words) if (k === name) v = val;
    return v;
  }

  /** "@module.x=v" words as {x: v}; dashes in names count as underscores, as in Linux. */
  module_params(module: string): Record<string, string> {
    const out: Record<string, string> = {};
    const prefix = module.replace(/-/g, '_') + '.';
    for (const [k, v] of this.words) {
      const key = k.replace(/-/g, '_');
      if (key.startsWith(prefix)) out[key.slice(prefix.length)] = v;
    }
    return out;
  }
}
