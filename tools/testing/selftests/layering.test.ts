// The tree's dependency rules (DESIGN.md), checked on every import of every source file:
// include/ imports only include/; hw/ only include/hw/ and no packages; lib/ (the kernel's
// library) only include/ and lib/; kernel/, drivers/, fs/ and block/ import include/, lib/ and
// their own unit; Node built-ins only in tools/ (the serial host's transports too), and node:zlib in lib/zlib/node.ts
// (the Node side of the '#zlib' seam); the embedding example only the public hw/index.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), '../../..'));

const walk = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(join(ROOT, p)).isDirectory()) return f === 'node_modules' ? [] : walk(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

/** Directories a unit's files may import besides include/. */
const UNITS = ['block/', 'kernel/', 'drivers/base/', 'drivers/mmc/core/', 'drivers/mmc/host/', 'fs/pstore/'];
// reflect-metadata: the polyfill tsyringe needs, imported where the machine is entered (init/api.ts).
const CORE_PACKAGES = ['tsyringe', 'reflect-metadata', 'ajv', 'pako', '#zlib'];
const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const imports_of = (src: string): string[] => {
  const out: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g))
    out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
};

/** What @file, whose text is @src, may not import, as messages. */
const violations = (file: string, src: string): string[] => {
  const out: string[] = [];
  const top = file.split('/')[0]!;
  const node_ok = top === 'tools';
  for (const spec of imports_of(src)) {
    if (!spec.startsWith('.')) {
      const pkg = spec.split('/')[0]!;
      if (NODE.has(spec) || NODE.has(pkg)) {
        if (!node_ok && !(file === 'lib/zlib/node.ts' && spec === 'node:zlib')) out.push(`${file}: Node built-in '${spec}'`);
      } else if (top === 'hw') out.push(`${file}: package '${spec}' in hw/`);
      else if (top !== 'tools' && !CORE_PACKAGES.includes(pkg)) out.push(`${file}: package '${spec}'`);
      continue;
    }
    const target = relative(ROOT, join(ROOT, dirname(file), spec)).replace(/\\/g, '/');
    if (top === 'include' && !target.startsWith('include/')) out.push(`${file} -> ${target}`);
    if (top === 'hw' && !target.startsWith('include/hw/') && !target.startsWith('hw/')) out.push(`${file} -> ${target}`);
    const shared = target.startsWith('include/') || target.startsWith('lib/');
    if (top === 'lib' && !shared) out.push(`${file} -> ${target}`);
    if (file.startsWith('examples/embed-sdhci/') && target !== 'hw/index.ts' && !target.startsWith('examples/embed-sdhci/')) out.push(`${file} -> ${target}`);
    if (top === 'kernel' || top === 'drivers' || top === 'fs' || top === 'block') {
      const unit = UNITS.find((u) => file.startsWith(u));
      if (!unit) out.push(`${file}: not in a known unit (${UNITS.join(', ')})`);
      else if (!shared && !target.startsWith(unit)) out.push(`${file} -> ${target}`);
    }
  }
  return out;
};

describe('layering', () => {
  const files = ['include', 'lib', 'block', 'kernel', 'drivers', 'fs', 'hw', 'init', 'scripts', 'tools', 'examples']
    .filter((d) => {
      try {
        return statSync(join(ROOT, d)).isDirectory();
      } catch {
        return false;
      }
    })
    .flatMap(walk);

  it('finds the tree', () => {
    expect(files).toContain('kernel/sched/core.ts');
    expect(files.length).toBeGreaterThan(40);
  });

  it('holds for every import', () => {
    expect(files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(violations('kernel/x.ts', "import { Foo } from '../drivers/base/core.ts';")).toEqual(['kernel/x.ts -> drivers/base/core.ts']);
    expect(violations('include/linux/x.h.ts', "import type { A } from '../../kernel/a.ts';")).toEqual(['include/linux/x.h.ts -> kernel/a.ts']);
    expect(violations('drivers/mmc/core/x.ts', "import { readFileSync } from 'node:fs';")).toEqual(["drivers/mmc/core/x.ts: Node built-in 'node:fs'"]);
    expect(violations('hw/sd/x.ts', "import { injectable } from 'tsyringe';")).toEqual(["hw/sd/x.ts: package 'tsyringe' in hw/"]);
    expect(violations('block/x.ts', "import { Foo } from '../kernel/bug.ts';")).toEqual(['block/x.ts -> kernel/bug.ts']);
    expect(violations('lib/x.ts', "import { Foo } from '../block/genhd.ts';")).toEqual(['lib/x.ts -> block/genhd.ts']);
    expect(violations('drivers/mmc/core/x.ts', "import { string_get_size } from '../../../lib/string_helpers.ts';")).toEqual([]);
    expect(violations('drivers/mmc/host/mmc_serial.ts', "import { connect } from 'node:net';")).toEqual(["drivers/mmc/host/mmc_serial.ts: Node built-in 'node:net'"]);
    expect(violations('tools/serial/link.ts', "import { Worker } from 'node:worker_threads';")).toEqual([]);
    expect(violations('fs/pstore/x.ts', "import { deflate_raw } from '#zlib';")).toEqual([]);
    expect(violations('lib/zlib/node.ts', "import { deflateRawSync } from 'node:zlib';")).toEqual([]);
    expect(violations('lib/zlib/node.ts', "import { readFileSync } from 'node:fs';")).toEqual(["lib/zlib/node.ts: Node built-in 'node:fs'"]);
    expect(violations('examples/embed-sdhci/x.ts', "import { SDHCI } from '../../hw/index.ts';")).toEqual([]);
    expect(violations('examples/embed-sdhci/x.ts', "import { SdhciController } from '../../hw/sd/sdhci.ts';")).toEqual(['examples/embed-sdhci/x.ts -> hw/sd/sdhci.ts']);
    expect(violations('lib/zlib/pako.ts', "import { inflateRawSync } from 'node:zlib';")).toEqual(["lib/zlib/pako.ts: Node built-in 'node:zlib'"]);
  });
});
