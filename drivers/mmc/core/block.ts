// SPDX-License-Identifier: GPL-2.0
// The MMC block driver (drivers/mmc/core/block.c): a disk "mmcblk<host index>" for the user
// area and one per boot partition, partition switching with part_curr, read/write requests
// built as Linux builds them (CMD17/18/24/25, CMD23 when host and card can, CMD12 otherwise),
// CMD13 busy polling after writes, the recovery rules (reset once, requeue up to five times,
// single-sector reads), card runtime PM with a 3 s autosuspend, mmc_blk_get_card_by_name(),
// and the probe/remove hooks the mmcpstore series adds.
import { inject, injectable } from 'tsyringe';
import { BLOCK, type block_api, type gendisk, type req_op } from '../../../include/linux/blkdev.h.ts';
import { EEXIST, EIO, ENODEV, ENOMEDIUM, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { SECTOR_SIZE } from '../../../include/linux/genhd.h.ts';
import {
  MMC_BLK_DATA_AREA_MAIN,
  MMC_BLK_DATA_AREA_RPMB,
  mmc_card_blockaddr,
  mmc_card_id,
  mmc_card_name,
  mmc_card_removed,
  type mmc_card,
} from '../../../include/linux/mmc/card.h.ts';
import {
  MMC_CMD_AC,
  MMC_CMD_ADTC,
  MMC_DATA_READ,
  MMC_DATA_WRITE,
  MMC_RSP_R1,
  MMC_RSP_R1B,
  mmc_command_init,
  mmc_data_init,
  mmc_request_init,
  type mmc_request,
} from '../../../include/linux/mmc/core.h.ts';
import { MMC_CAP_CMD23, type mmc_ctx } from '../../../include/linux/mmc/host.h.ts';
import * as X from '../../../include/linux/mmc/mmc.h.ts';
import { MUTEX, type mutex, type mutex_api } from '../../../include/linux/mutex.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { STRING_UNITS_2, string_get_size } from '../../../lib/string_helpers.ts';
import { MmcCore } from './core.ts';
import { type mmc_driver } from './core.h.ts';
import { MmcAttach } from './mmc.ts';
import { MmcOps } from './mmc_ops.ts';

const MMC_MAX_RETRIES = 5;
const MMC_BLK_TIMEOUT_MS = 10 * 1000;
const MMC_READ_SINGLE_RETRIES = 2;
/** The RPMB character device's major in the kernels the research quotes (248:0). */
const RPMB_MAJOR = 248;
/** Card status bits that fail a request (CMD_ERRORS in block.c). */
const CMD_ERRORS = X.R1_OUT_OF_RANGE | X.R1_ADDRESS_ERROR | X.R1_BLOCK_LEN_ERROR | X.R1_WP_VIOLATION | X.R1_CC_ERROR | X.R1_ERROR;

/** md->reset_done bits. */
const MMC_BLK_READ = 1 << 0;
const MMC_BLK_WRITE = 1 << 1;

/** struct mmc_blk_data: one disk on a card. */
export interface mmc_blk_data {
  readonly disk: gendisk;
  readonly card: mmc_card;
  /** The PARTITION_CONFIG access value of this area. */
  readonly part_type: number;
  readonly area_type: number;
  /** Meaningful on the main disk (dev_get_drvdata(&card->dev)): the hardware partition last switched to. */
  part_curr: number;
  reset_done: number;
  /** Serialises requests like the single hardware queue of mmc_mq. */
  readonly queue_lock: mutex;
  /** The queue's claim context (mq->ctx). */
  readonly ctx: mmc_ctx;
  /** Boot and other hardware-partition disks (main disk only). */
  readonly parts: mmc_blk_data[];
}

/** What the mmcpstore series hooks into mmc_blk_probe()/mmc_blk_remove() when built in. */
export interface mmc_blk_hooks {
  card_add(card: mmc_card, disk: gendisk): Promise<void>;
  card_remove(card: mmc_card): Promise<void>;
}

@injectable()
export class MmcBlock implements mmc_driver {
  readonly name = 'mmcblk';
  private readonly mds = new Map<mmc_card, mmc_blk_data>();
  private hooks: mmc_blk_hooks | null = null;

  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(MmcOps) private readonly ops: MmcOps,
    @inject(MmcAttach) private readonly mmc: MmcAttach,
    @inject(BLOCK) private readonly block: block_api,
    @inject(MUTEX) private readonly mx: mutex_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  /** Cards probed so far, with their main disk. */
  cards(): Array<[mmc_card, gendisk]> {
    return [...this.mds].map(([card, md]) => [card, md.disk]);
  }

  /** The builtin mmcpstore registers here (IS_BUILTIN(CONFIG_MMC_PSTORE) in block.h). */
  set_hooks(hooks: mmc_blk_hooks | null): void {
    this.hooks = hooks;
  }

  /**
   * mmc_blk_get_card_by_name() - the card behind "mmcblkN" (or "/dev/mmcblkN"); partition names
   * resolve to their disk's card. Like the series, it holds no reference on the card.
   */
  mmc_blk_get_card_by_name(name: string): mmc_card | null {
    const bdev = this.block.lookup_bdev(name);
    const md = bdev?.disk.private_data as mmc_blk_data | undefined;
    return md?.card ?? null;
  }

  // ---- probe and remove -----------------------------------------------------------------

  async probe(card: mmc_card): Promise<number> {
    if (!(card.csd.cmdclass & (1 << 2))) return -ENODEV; // CCC_BLOCK_READ
    const sectors = mmc_card_blockaddr(card) ? card.ext_csd.sectors : card.csd.capacity;
    const main = this.alloc(card, `mmcblk${card.host.index}`, sectors, 0, MMC_BLK_DATA_AREA_MAIN, null);
    this.mds.set(card, main);
    for (const p of card.part) {
      const size = string_get_size(p.size / SECTOR_SIZE, SECTOR_SIZE, STRING_UNITS_2);
      if (p.area_type & MMC_BLK_DATA_AREA_RPMB) {
        this.printk.pr_info(`${main.disk.disk_name}${p.name}: ${mmc_card_id(card)} ${mmc_card_name(card)} ${size}, chardev (${RPMB_MAJOR}:0)\n`);
        continue;
      }
      main.parts.push(this.alloc(card, `${main.disk.disk_name}${p.name}`, p.size / SECTOR_SIZE, p.part_cfg, p.area_type, main, p.force_ro));
    }
    this.rpm.pm_runtime_set_autosuspend_delay(card.dev, 3000);
    this.rpm.pm_runtime_use_autosuspend(card.dev);
    this.rpm.pm_runtime_mark_last_busy(card.dev);
    this.rpm.pm_runtime_set_active(card.dev);
    this.rpm.pm_runtime_enable(card.dev);
    for (const md of [main, ...main.parts]) await this.block.add_disk(md.disk);
    await this.hooks?.card_add(card, main.disk);
    return 0;
  }

  async remove(card: mmc_card): Promise<void> {
    await this.hooks?.card_remove(card);
    const main = this.mds.get(card);
    if (!main) return;
    for (const md of [main, ...main.parts]) this.block.del_gendisk(md.disk);
    this.mds.delete(card);
    await this.rpm.pm_runtime_disable(card.dev);
  }

  private alloc(card: mmc_card, name: string, sectors: number, part_type: number, area_type: number, main: mmc_blk_data | null, read_only = false): mmc_blk_data {
    const disk = this.block.alloc_disk(name, sectors, { submit: (d, op, sector, buf) => this.submit(d.private_data as mmc_blk_data, op, sector, buf) }, {
      no_part: !!main,
      read_only,
    });
    const md: mmc_blk_data = {
      disk,
      card,
      part_type,
      area_type,
      part_curr: 0,
      reset_done: 0,
      queue_lock: main?.queue_lock ?? this.mx.mutex_init(`${name}->queue`),
      ctx: main?.ctx ?? { task: null },
      parts: [],
    };
    disk.private_data = md;
    const size = string_get_size(sectors, SECTOR_SIZE, STRING_UNITS_2);
    this.printk.pr_info(`${name}: ${mmc_card_id(card)} ${mmc_card_name(card)} ${size}\n`);
    return md;
  }

  // ---- I/O --------------------------------------------------------------------------------

  /** One block-layer request, split to the host's limits. Context: may sleep. */
  private async submit(md: mmc_blk_data, op: req_op, sector: number, buf: Uint8Array): Promise<number> {
    const host = md.card.host;
    const max = Math.min(host.max_blk_count, Math.floor(host.max_req_size / SECTOR_SIZE));
    const total = buf.length / SECTOR_SIZE;
    await this.mx.mutex_lock(md.queue_lock);
    try {
      for (let done = 0; done < total; ) {
        const n = Math.min(max, total - done);
        // A request within the host's limits goes as it is, without a view per chunk.
        const chunk = n === total ? buf : buf.subarray(done * SECTOR_SIZE, (done + n) * SECTOR_SIZE);
        const err = await this.issue_rw(md, op, sector + done, chunk);
        if (err) return err;
        done += n;
      }
      return 0;
    } finally {
      this.mx.mutex_unlock(md.queue_lock);
    }
  }

  /**
   * mmc_blk_mq_issue_rq() for a read or write, with mmc_blk_mq_rw_recovery() and the requeue
   * of mmc_blk_mq_complete_rq(): a request is tried at most MMC_MAX_RETRIES + 1 times.
   */
  private async issue_rw(md: mmc_blk_data, op: req_op, sector: number, buf: Uint8Array): Promise<number> {
    const card = md.card;
    const type = op === 'read' ? MMC_BLK_READ : MMC_BLK_WRITE;
    await this.core.mmc_get_card(card, md.ctx);
    try {
      for (let retries = 0; ; ) {
        if (mmc_card_removed(card)) return -ENOMEDIUM;
        const sw = this.part_current(card, md.part_type) ? 0 : await this.mmc_blk_part_switch(card, md.part_type);
        const r = sw ? { cmd_err: sw, data_err: 0 } : await this.rw_once(md, op, sector, buf);
        if (!r.cmd_err && !r.data_err) {
          md.reset_done &= ~type;
          return 0;
        }
        this.printk.pr_err(`${md.disk.disk_name}: error ${r.cmd_err || r.data_err} transferring data, sector ${sector}, nr ${buf.length / SECTOR_SIZE}\n`);
        // Get the card back to "tran"; reset it if that fails.
        const st = await this.ops.mmc_send_status(card, 0);
        if ((st.err || !X.mmc_ready_for_data(st.status)) && (await this.mmc_blk_fix_state(card)) && (await this.mmc_blk_reset(md, type))) {
          this.printk.pr_err(`${md.disk.disk_name}: recovery failed!\n`);
          return -EIO;
        }
        const reset_before_last = retries + 1 === MMC_MAX_RETRIES && !!(await this.mmc_blk_reset(md, type));
        if (!reset_before_last && !r.cmd_err) {
          // Data errors: one more try, then multi-block reads go sector by sector, awaited
          // here so that the finally does not release the host while they run.
          if (retries < MMC_MAX_RETRIES - 1) retries = MMC_MAX_RETRIES - 1;
          else if (op === 'read' && buf.length > SECTOR_SIZE) return await this.mmc_blk_read_single(md, sector, buf);
        }
        if (retries++ >= MMC_MAX_RETRIES) return -EIO;
      }
    } finally {
      await this.core.mmc_put_card(card, md.ctx);
    }
  }

  /** mmc_blk_fix_state(): a stop command and a wait for the card to leave programming. */
  private async mmc_blk_fix_state(card: mmc_card): Promise<number> {
    const stop = mmc_command_init({ opcode: X.MMC_STOP_TRANSMISSION, flags: MMC_RSP_R1B | MMC_CMD_AC, busy_timeout: MMC_BLK_TIMEOUT_MS });
    await this.core.mmc_wait_for_cmd(card.host, stop, 5);
    const st = await this.ops.mmc_send_status(card, 5);
    return st.err || (X.mmc_ready_for_data(st.status) ? 0 : -EIO);
  }

  /** mmc_blk_rw_rq_prep() with mmc_blk_data_prep(): the request for @buf at @sector. */
  private mmc_blk_rw_rq_prep(card: mmc_card, read: boolean, sector: number, buf: Uint8Array): mmc_request {
    const host = card.host;
    const blocks = buf.length / SECTOR_SIZE;
    const multi = blocks > 1;
    const opcode = read ? (multi ? X.MMC_READ_MULTIPLE_BLOCK : X.MMC_READ_SINGLE_BLOCK) : multi ? X.MMC_WRITE_MULTIPLE_BLOCK : X.MMC_WRITE_BLOCK;
    const cmd = mmc_command_init({ opcode, arg: mmc_card_blockaddr(card) ? sector : sector * SECTOR_SIZE, flags: MMC_RSP_R1 | MMC_CMD_ADTC });
    const data = mmc_data_init({ buf, blksz: SECTOR_SIZE, blocks, flags: read ? MMC_DATA_READ : MMC_DATA_WRITE });
    this.core.mmc_set_data_timeout(data, card);
    const mrq: mmc_request = mmc_request_init({ cmd, data });
    if (multi) {
      mrq.stop = mmc_command_init({ opcode: X.MMC_STOP_TRANSMISSION, flags: (read ? MMC_RSP_R1 : MMC_RSP_R1B) | MMC_CMD_AC });
      if (host.caps & MMC_CAP_CMD23 && card.csd.mmca_vsn >= 3)
        mrq.sbc = mmc_command_init({ opcode: X.MMC_SET_BLOCK_COUNT, arg: blocks, flags: MMC_RSP_R1 | MMC_CMD_AC });
    }
    return mrq;
  }

  /** Build and run one request, then wait out the write. */
  private async rw_once(md: mmc_blk_data, op: req_op, sector: number, buf: Uint8Array): Promise<{ cmd_err: number; data_err: number }> {
    const read = op === 'read';
    const mrq = this.mmc_blk_rw_rq_prep(md.card, read, sector, buf);
    await this.core.mmc_wait_for_req(md.card.host, mrq);
    const data = mrq.data!;
    let cmd_err = mrq.sbc?.error || mrq.cmd.error;
    let data_err = data.error || mrq.stop?.error || 0;
    if (!cmd_err && mrq.cmd.resp[0] & CMD_ERRORS) cmd_err = -EIO;
    if (!cmd_err && !data_err && !read) data_err = await this.mmc_blk_card_busy(md);
    return { cmd_err, data_err };
  }

  /** mmc_blk_card_busy(): after a write, CMD13 until ready for data, at most 10 s. */
  private async mmc_blk_card_busy(md: mmc_blk_data): Promise<number> {
    const card = md.card;
    let status = 0;
    const err = await this.ops.__mmc_poll_for_busy(card.host, 0, MMC_BLK_TIMEOUT_MS, async () => {
      const r = await this.ops.mmc_send_status(card, 5);
      if (r.err) return { err: r.err, busy: false };
      status |= r.status;
      return { err: 0, busy: !X.mmc_ready_for_data(r.status) };
    });
    if (err) return err === -ETIMEDOUT ? -ETIMEDOUT : err;
    return status & CMD_ERRORS ? -EIO : 0;
  }

  /** mmc_blk_read_single(): sector by sector; a sector that keeps failing fails the request. */
  private async mmc_blk_read_single(md: mmc_blk_data, sector: number, buf: Uint8Array): Promise<number> {
    for (let i = 0; i < buf.length / SECTOR_SIZE; i++) {
      let ok = false;
      for (let t = 0; t <= MMC_READ_SINGLE_RETRIES && !ok; t++) {
        const r = await this.rw_once(md, 'read', sector + i, buf.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
        ok = !r.cmd_err && !r.data_err;
      }
      if (!ok) return -EIO;
    }
    return 0;
  }

  /**
   * mmc_blk_reset() - once per request type until a request of that type succeeds: a full
   * power cycle and re-initialisation of the card, then back to the partition in use.
   */
  private async mmc_blk_reset(md: mmc_blk_data, type: number): Promise<number> {
    if (md.reset_done & type) return -EEXIST;
    md.reset_done |= type;
    const card = md.card;
    const host = card.host;
    await this.core.mmc_power_cycle(host, card.ocr, host.f_init);
    const err = await this.mmc.mmc_init_card(host, card.ocr, card);
    this.mds.get(card)!.part_curr = card.ext_csd.part_config & X.EXT_CSD_PART_CONFIG_ACC_MASK;
    if (err) return err;
    return this.mmc_blk_part_switch(card, md.part_type);
  }

  /** mmc_blk_part_switch() would do nothing: the fast path of every request. */
  private part_current(card: mmc_card, part_type: number): boolean {
    const main = this.mds.get(card);
    return !main || main.part_curr === part_type;
  }

  /** mmc_blk_part_switch(): CMD6 PARTITION_CONFIG when the requested area is not current. */
  async mmc_blk_part_switch(card: mmc_card, part_type: number): Promise<number> {
    const main = this.mds.get(card);
    if (!main || main.part_curr === part_type) return 0;
    const part_config = (card.ext_csd.part_config & ~X.EXT_CSD_PART_CONFIG_ACC_MASK) | part_type;
    const err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_PART_CONFIG, part_config, card.ext_csd.part_time);
    if (err) return err;
    card.ext_csd.part_config = part_config;
    main.part_curr = part_type;
    return 0;
  }
}
