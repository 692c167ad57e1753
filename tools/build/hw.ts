// SPDX-License-Identifier: GPL-2.0
// The browser bundle of the device models (hw/index.ts): one ESM file with nothing external, for
// an emulator that embeds the SDHCI controller and the eMMC card. Its metafile says what went in.
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../hw/index.ts', import.meta.url));

/** Bundle hw/ into @outfile (ESM, browser); the metafile of the build. */
export const build_hw_bundle = async (outfile: string): Promise<Metafile> => {
  const r = await build({
    entryPoints: [ENTRY],
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
