// SPDX-License-Identifier: GPL-2.0
// dist/, what the package ships instead of the TypeScript sources (`npm pack` runs this as its
// prepack script, so an installed package runs on plain node, without tsx):
//   hw.js, browser.js    the browser bundles of bundle.ts: the device models; the whole machine
//   tools/*.mjs          the tools, the Node entry and the worker threads, one file each (code
//                        splitting would change the order modules run in); packages stay
//                        external (the package's dependencies), zlib is node:zlib
//   node.js              the Node entry ("." under the node condition): tools/api.node.mjs, so
//                        that the paths below hold for the runner it brings too
//   run-scenario, ...    the bin launchers
//   types/               the declarations (tsc)
//
// Why dist/tools/: the tools find the scenario catalogue, their worker threads and the bridge by
// paths relative to their own file (import.meta.url): '../../scenarios/' (scenario/load.ts),
// './worker-entry.mjs' (scenario/pool.ts), './link-worker-entry.mjs' (serial/link.ts),
// './serial-child.mjs' (serial/link_worker.ts), '../mmc-bridge' (bridge/spawn.ts). A bundle's
// import.meta.url is the bundle's file, so dist/ repeats the checkout's shape: all the code two
// levels below the package root (as tools/scenario/ is), the workers under the names their
// starters use, and each tool's launcher one level up (as tools/<tool> is). Every one of those
// paths then holds in both layouts, and the sources stay as they are.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pkg from '../../package.json' with { type: 'json' };
import { build_bundle } from './bundle.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
/** The bin entries (package.json's, dist/<name> each), built from tools/<name>.ts. */
const TOOLS = Object.keys(pkg.bin);
/** dist/tools/<name>.mjs and its source. */
const NODE_ENTRIES: Record<string, string> = {
  ...Object.fromEntries(TOOLS.map((t) => [t, `tools/${t}.ts`])),
  'api.node': 'tools/build/api.node.ts',
  'worker-entry': 'tools/scenario/worker.ts',
  'link-worker-entry': 'tools/serial/link_worker.ts',
  'serial-child': 'tools/serial/serial-child.mjs',
};

rmSync(DIST, { recursive: true, force: true });
await build_bundle('hw', join(DIST, 'hw.js'));
await build_bundle('machine', join(DIST, 'browser.js'));
await build({
  entryPoints: Object.entries(NODE_ENTRIES).map(([out, src]) => ({ in: join(ROOT, src), out })),
  outdir: join(DIST, 'tools'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // tsyringe throws when it is imported before the Reflect polyfill, and a bundle puts each
  // module's imports where its code goes: the entry's own import 'reflect-metadata' comes last.
  banner: { js: "import 'reflect-metadata';" },
  logLevel: 'warning',
});
writeFileSync(join(DIST, 'node.js'), "// The package's Node entry; the code is in tools/ (see tools/build/dist.ts).\nexport * from './tools/api.node.mjs';\n");
for (const t of TOOLS) writeFileSync(join(DIST, t), `#!/usr/bin/env node\nimport './tools/${t}.mjs';\n`, { mode: 0o755 });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tools/build/tsconfig.types.json')], { stdio: 'inherit' });
if (types.status !== 0) throw new Error(`tsc (declarations) exited ${types.status}`);
