// SPDX-License-Identifier: GPL-2.0
// The browser bundles, built with esbuild: `hw`, the device models (hw/index.ts) for an emulator
// that embeds the SDHCI controller and the eMMC card; `machine`, the whole machine (init/api.ts:
// createMachine), zlib through pako by the '#zlib' import map's browser condition. One file each,
// nothing external; the metafile says what went in.
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';

const BUNDLES = {
  hw: '../../hw/index.ts',
  machine: '../../init/api.ts',
} as const;

export type bundle_name = keyof typeof BUNDLES;

/** Bundle @name into @outfile, an ES module for browsers; the build's metafile. */
export const build_bundle = async (name: bundle_name, outfile: string): Promise<Metafile> => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL(BUNDLES[name], import.meta.url))],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    sourcemap: true,
    logLevel: 'silent',
  });
  return r.metafile;
};
