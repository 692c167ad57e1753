// SPDX-License-Identifier: GPL-2.0
// The browser bundle of the whole machine (init/api.ts: createMachine and the device models):
// one ESM file, zlib through pako (the '#zlib' import map's browser condition), no Node.
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../init/api.ts', import.meta.url));

/**
 * Bundle the machine into @outfile for a browser: ESM, or a classic script defining the global
 * `mmcpstore` (what a page opened from file:// can load); the metafile of the build.
 */
export const build_machine_bundle = async (outfile: string, format: 'esm' | 'iife' = 'esm'): Promise<Metafile> => {
  const r = await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    format,
    ...(format === 'iife' ? { globalName: 'mmcpstore' } : {}),
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    sourcemap: true,
    logLevel: 'silent',
  });
  return r.metafile;
};
