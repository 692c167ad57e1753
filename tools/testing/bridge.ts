// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge as a child process, for tests: started on its ready line, stopped with SIGTERM;
// what a test starts is tracked and torn down after it; bytes of its image read back.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { opened_links } from '../serial/board_links.ts';

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

/** @length bytes of the image file at @offset (images are too big to read whole). */
export const read_at = (path: string, offset: number, length: number): Uint8Array => {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(length);
  readSync(fd, buf, 0, length, offset);
  closeSync(fd);
  return buf;
};

/** Data no two writes of a test share (@seed differs), every sector different. */
export const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 9)) & 0xff);

/** A test's temp dir, bridges and links; cleanup() (in afterEach) closes and removes them all. */
export class bridge_fixture {
  dir = '';
  private bridges: bridge[] = [];
  private links: opened_links[] = [];

  mkdir(prefix: string): string {
    return (this.dir = mkdtempSync(join(tmpdir(), prefix)));
  }

  async start(args: readonly string[]): Promise<bridge> {
    const b = await start_bridge(args);
    this.bridges.push(b);
    return b;
  }

  track(links: opened_links): opened_links {
    this.links.push(links);
    return links;
  }

  async cleanup(): Promise<void> {
    for (const l of this.links) l.close();
    await Promise.all(this.bridges.map(stop_bridge));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.bridges = [];
    this.links = [];
    this.dir = '';
  }
}
