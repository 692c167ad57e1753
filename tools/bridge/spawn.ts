// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge as a child process: started on its ready line (whose last word is the link
// URL), stopped with SIGTERM (it flushes the image and prints its counters).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BRIDGE = fileURLToPath(new URL('../mmc-bridge', import.meta.url));

export interface bridge {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Start tools/mmc-bridge with @args; resolves with the link URL of its ready line. */
export const start_bridge = (args: readonly string[]): Promise<bridge> =>
  new Promise((resolve, reject) => {
    const child = spawn(BRIDGE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = /mmc-bridge: serving .* on (\S+)\n/.exec(out);
      if (line) resolve({ child, url: line[1]! });
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`mmc-bridge exited ${code}: ${err}`)));
  });

/** SIGTERM, and wait for the bridge to flush and go. */
export const stop_bridge = (b: bridge): Promise<void> =>
  new Promise((resolve) => {
    if (b.child.exitCode !== null || b.child.signalCode !== null) return resolve();
    b.child.once('exit', () => resolve());
    b.child.kill('SIGTERM');
  });
