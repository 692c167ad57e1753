// SPDX-License-Identifier: GPL-2.0
// run-scenario --host serial --bridge tcp|pty: a tools/mmc-bridge process per run, on a fresh
// image made as the scenario's card describes (or a copy of its image). The card is in that
// process, so the card-side audit reads the bridge's --journal: each write it lists joins the
// machine's CardJournal when the host reads the reply that follows it (the bridge writes the line
// before it replies), timed by the machine's clock as every other card write is.
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { serial_link, serial_links } from '../../include/linux/platform_data/mmc_serial.h.ts';
import { CardJournal, type card_part } from '../../init/card_journal.ts';
import type { card_description } from '../../init/glue/card.ts';
import type { Machine } from '../../init/machine.ts';
import { start_bridge, stop_bridge } from '../bridge/spawn.ts';
import { copy_sparse } from '../lib/copy-sparse.ts';
import { open_link } from '../serial/link.ts';

export type bridge_kind = 'tcp' | 'pty';
export const BRIDGE_KINDS: readonly bridge_kind[] = ['tcp', 'pty'];

/** The board device key the glue gives the first serial slot. */
const SLOT = 'mmc_serial.0';

export interface run_bridge {
  readonly url: string;
  readonly links: serial_links;
  /** The bridge's image (the card's user area). */
  readonly image: string;
  /** Journal the card's writes into @m's CardJournal from now on (after each boot). */
  attach(m: Machine): void;
  /** Stop the bridge, close the link, remove the run's files. */
  stop(): Promise<void>;
}

/** New complete lines of a file that another process appends to. */
const tail = (path: string) => {
  let offset = 0;
  let partial = '';
  return (): string[] => {
    if (!existsSync(path)) return [];
    const size = statSync(path).size;
    if (size <= offset) return [];
    const buf = new Uint8Array(size - offset);
    const fd = openSync(path, 'r');
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    const lines = (partial + new TextDecoder().decode(buf)).split('\n');
    partial = lines.pop()!;
    return lines.filter(Boolean);
  };
};

export const start_run_bridge = async (kind: bridge_kind, card: card_description): Promise<run_bridge> => {
  const dir = mkdtempSync(join(tmpdir(), 'run-scenario-bridge-'));
  const image = join(dir, 'card.img');
  const journal = join(dir, 'journal.jsonl');
  const make = card.image ? (copy_sparse(card.image, image), []) : ['--create', String(card.capacity ?? '8GiB')];
  const gpt = !card.image && card.gpt?.length ? ['--gpt', card.gpt.map((p) => `${p.name}:${p.size}`).join(',')] : [];
  const where = kind === 'tcp' ? ['--tcp', '127.0.0.1:0'] : ['--pty', join(dir, 'tty')];
  const br = await start_bridge(['--image', image, ...make, ...gpt, '--journal', journal, ...where]);
  const link = open_link(br.url);
  const lines = tail(journal);
  let target: CardJournal | null = null;
  const journaled: serial_link = {
    write: (bytes) => link.write(bytes),
    read: (timeout_ms) => {
      const got = link.read(timeout_ms);
      for (const line of lines()) {
        const w = JSON.parse(line) as { part: card_part; offset: number; length: number };
        target?.listener(SLOT, w.part)(w.offset, w.length);
      }
      return got;
    },
    get generation() {
      return link.generation;
    },
    get up() {
      return link.up;
    },
    close: () => link.close(),
  };
  return {
    url: br.url,
    image,
    links: { open: () => ({ link: journaled, baud: link.baud }) },
    attach: (m) => (target = m.resolve(CardJournal)),
    stop: async () => {
      link.close();
      await stop_bridge(br);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
