// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge's image file: checked completely before anything is written (a failed start
// never changes it), created sparse with --create and partitioned with --gpt only once the
// transport is up.
import { statSync, writeFileSync } from 'node:fs';
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { EmmcCard } from '../../hw/sd/emmc.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { UsageError } from '../lib/cli.ts';
import { write_gpt, type gpt_part } from '../lib/mkdisk.ts';
import { openFileHandle, type NodeFileHandle } from '../lib/node-file.ts';

/** What check_image() found: an existing image, opened, or a new one still to be made. */
export type image_plan =
  | { kind: 'existing'; path: string; size: number; file: NodeFileHandle }
  | { kind: 'new'; path: string; size: number; gpt: gpt_part[] };

const usage = (message: string): never => {
  throw new UsageError([message]);
};

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
};

/** The card model accepts only some capacities (CSD-encodable below 2 GiB): ask it, on no store. */
function check_capacity(path: string, size: number): void {
  const nowhere: BlockBackend = { size, read: (_o, dst) => dst.fill(0), write: () => {}, flush: () => {} };
  try {
    new EmmcCard({ clock: new VirtualClock(), user: nowhere, poweredOn: false });
  } catch (e) {
    usage(`${path}: ${size} bytes is not a capacity the eMMC model takes: ${(e as Error).message}`);
  }
}

/** Validate --image/--create/--gpt, changing nothing; notes go to @note. */
export function check_image(path: string, create: number | undefined, gpt: gpt_part[] | undefined, note: (m: string) => void): image_plan {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') usage(`${path}: cannot open: ${reason(e)}`);
  }
  if (!st) {
    if (create === undefined) return usage(`${path}: no such file (give --create SIZE to make a new image)`);
    check_capacity(path, create);
    if (gpt) {
      try {
        write_gpt(() => {}, create, gpt);
      } catch (e) {
        usage(`--gpt: ${(e as Error).message.replace(/^write_gpt: /, '')}`);
      }
    }
    return { kind: 'new', path, size: create, gpt: gpt ?? [] };
  }
  if (!st.isFile()) usage(`${path}: not a regular file`);
  if (st.size === 0 || st.size % 512 !== 0) usage(`${path}: ${st.size} bytes is not a nonzero multiple of 512`);
  if (create !== undefined && create !== st.size) usage(`${path}: exists with ${st.size} bytes, not the --create size ${create}`);
  check_capacity(path, st.size);
  if (gpt) note(`${path}: exists, --gpt ignored`);
  let file: NodeFileHandle;
  try {
    file = openFileHandle(path);
  } catch (e) {
    return usage(`${path}: cannot open read-write: ${reason(e)}`);
  }
  return { kind: 'existing', path, size: st.size, file };
}

/** The image's handle: @plan's, or a new sparse file (never an existing one: 'wx') with its GPT. */
export function open_image(plan: image_plan): NodeFileHandle {
  if (plan.kind === 'existing') return plan.file;
  try {
    writeFileSync(plan.path, new Uint8Array(0), { flag: 'wx' });
  } catch (e) {
    usage(`${plan.path}: cannot create: ${reason(e)}`);
  }
  const file = openFileHandle(plan.path, { size: plan.size });
  if (plan.gpt.length) write_gpt((off, bytes) => file.write(bytes, off), plan.size, plan.gpt);
  return file;
}
