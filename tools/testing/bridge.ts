// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge for tests: what a test starts is tracked and torn down after it; bytes of its
// image read back.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start_bridge, stop_bridge, type bridge } from '../bridge/spawn.ts';
import type { opened_links } from '../serial/board_links.ts';

export { start_bridge, stop_bridge, type bridge };

/** @length bytes of the image file at @offset (images are too big to read whole). */
export const read_at = (path: string, offset: number, length: number): Uint8Array => {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(length);
  readSync(fd, buf, 0, length, offset);
  closeSync(fd);
  return buf;
};

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
