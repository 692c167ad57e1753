// SPDX-License-Identifier: GPL-2.0
// The card of a board slot, shared by every host's glue (our arch/ board code): its description
// in a board file with the JSON Schema of it, its backing stores (fresh memory, optionally
// provisioned with a GPT, unless a tool handed in image files; boot partitions kept across
// reboots), the journal that sees every write from the card's side, and the eMMC card model
// built on them, unpowered until the host powers the bus.
import type { DependencyContainer } from 'tsyringe';
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { MonitoredBackend } from '../../hw/block/monitor.ts';
import { SparseBackend } from '../../hw/block/sparse.ts';
import { EmmcCard } from '../../hw/sd/emmc.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { write_gpt } from '../../tools/lib/mkdisk.ts';
import { BoardCards } from '../board_cards.ts';
import { CardJournal, type card_part } from '../card_journal.ts';
import type { board_storage, card_storage } from '../storage.ts';
import { SIZE_SCHEMA, parse_size } from '../units.ts';

/** The card of a slot, as a board file describes it. */
export interface card_description {
  readonly capacity?: number | string;
  readonly boot_partition_bytes?: number | string;
  readonly rpmb_bytes?: number | string;
  readonly cache_kib?: number;
  readonly cmdq_depth?: number;
  readonly product_name?: string;
  readonly manufacturer_id?: number;
  readonly serial?: number;
  readonly erased_byte?: 0 | 255;
  /**
   * What the block being programmed holds after a power cut: `old`, `new`, or `torn` (a new
   * prefix over the old rest, as far as programming had got). Default `torn`.
   */
  readonly power_loss?: 'old' | 'new' | 'torn';
  /**
   * Raw image file of the user area, relative to the board file. Opened by the tool that reads
   * the board (the simulated machine has no file system); its size is the capacity.
   */
  readonly image?: string;
  /** Partition a fresh card with a GPT of these partitions (ignored for existing images). */
  readonly gpt?: ReadonlyArray<{ name: string; size: number | string }>;
}

export const CARD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    capacity: SIZE_SCHEMA,
    image: { type: 'string', minLength: 1 },
    boot_partition_bytes: SIZE_SCHEMA,
    rpmb_bytes: SIZE_SCHEMA,
    cache_kib: { type: 'integer', minimum: 0 },
    cmdq_depth: { type: 'integer', minimum: 0, maximum: 32 },
    product_name: { type: 'string', minLength: 1, maxLength: 6 },
    manufacturer_id: { type: 'integer', minimum: 0, maximum: 255 },
    serial: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    erased_byte: { enum: [0, 255] },
    power_loss: { enum: ['old', 'new', 'torn'] },
    gpt: {
      type: 'array',
      maxItems: 128,
      items: { type: 'object', additionalProperties: false, required: ['name', 'size'], properties: { name: { type: 'string', maxLength: 36 }, size: SIZE_SCHEMA } },
    },
  },
} as const;

/**
 * Stores for a card: the tool's, or fresh memory sized from the description (with its GPT). The
 * boot partitions are the board's too, so what is written there survives a reboot.
 */
export const card_stores = (key: string, card: card_description, storage: board_storage): card_storage => {
  const have = storage.get(key);
  if (!have && card.image) throw new Error(`${key}: card.image ${card.image} must be opened by the tool that loaded the board`);
  let user = have?.user;
  if (!user) {
    user = new SparseBackend({ size: parse_size(card.capacity ?? '8GiB')! });
    const u = user;
    if (card.gpt?.length) write_gpt((off, bytes) => u.write(off, bytes), u.size, card.gpt.map((p) => ({ name: p.name, sectors: parse_size(p.size)! / 512 })));
  }
  const boot = parse_size(card.boot_partition_bytes ?? '4MiB')!;
  const fill = card.erased_byte ?? 0;
  const made: card_storage = {
    user,
    boot0: have?.boot0 ?? (boot ? new SparseBackend({ size: boot, fill }) : undefined),
    boot1: have?.boot1 ?? (boot ? new SparseBackend({ size: boot, fill }) : undefined),
    ...(have?.rpmb ? { rpmb: have.rpmb } : {}),
  };
  storage.set(key, made);
  return made;
};

/** The stores as the card sees them: every write reported to the machine's journal. */
const journaled = (c: DependencyContainer, key: string, stores: card_storage) => {
  const j = c.resolve(CardJournal);
  const watch = (b: BlockBackend | undefined, part: card_part) => (b ? new MonitoredBackend(b, j.listener(key, part)) : undefined);
  return { user: watch(stores.user, 'user')!, boot0: watch(stores.boot0, 'boot0'), boot1: watch(stores.boot1, 'boot1'), rpmb: watch(stores.rpmb, 'rpmb') };
};

/**
 * The eMMC card of slot @key as @d describes it, on the board's stores (made on first use),
 * every write journaled. Unpowered: the host's bus power turns it on. Its timing runs on the
 * machine's clock unless it sits behind a bridge with a clock of its own (@clock).
 */
export const build_card = (c: DependencyContainer, key: string, d: card_description, storage: board_storage, clock = c.resolve(VirtualClock)): EmmcCard => {
  const stores = journaled(c, key, card_stores(key, d, storage));
  const card = new EmmcCard({
    clock,
    user: stores.user,
    ...(stores.boot0 ? { boot0: stores.boot0 } : {}),
    ...(stores.boot1 ? { boot1: stores.boot1 } : {}),
    ...(stores.rpmb ? { rpmb: stores.rpmb } : {}),
    ...(d.boot_partition_bytes !== undefined && !stores.boot0 ? { bootPartitionBytes: parse_size(d.boot_partition_bytes)! } : {}),
    ...(d.rpmb_bytes !== undefined ? { rpmbBytes: parse_size(d.rpmb_bytes)! } : {}),
    ...(d.cache_kib !== undefined ? { cacheKiB: d.cache_kib } : {}),
    ...(d.cmdq_depth ? { cmdq: { depth: d.cmdq_depth } } : {}),
    ...(d.product_name !== undefined ? { productName: d.product_name } : {}),
    ...(d.manufacturer_id !== undefined ? { manufacturerId: d.manufacturer_id } : {}),
    ...(d.serial !== undefined ? { serial: d.serial } : {}),
    ...(d.erased_byte !== undefined ? { erasedByte: d.erased_byte } : {}),
    ...(d.power_loss !== undefined ? { powerLoss: d.power_loss } : {}),
    poweredOn: false,
  });
  c.resolve(BoardCards).models.set(key, card);
  return card;
};
