// SPDX-License-Identifier: GPL-2.0
// What each scenario step does to a running machine. A step that leaves a CPU busy (a held lock,
// a held claim) runs as a task that never finishes: when the panic comes, that CPU is frozen
// where it stands, holding what it holds.
import { BLOCK } from '../../include/linux/blkdev.h.ts';
import { DELAY } from '../../include/linux/delay.h.ts';
import { DMA } from '../../include/linux/dma-mapping.h.ts';
import { MMC_CMD_AC, MMC_RSP_R1, mmc_command_init } from '../../include/linux/mmc/core.h.ts';
import { MMC_QUE_TASK_ADDR, MMC_QUE_TASK_PARAMS } from '../../include/linux/mmc/mmc.h.ts';
import { MODULES } from '../../include/linux/module.h.ts';
import { PANIC } from '../../include/linux/panic.h.ts';
import { PM_RUNTIME } from '../../include/linux/pm_runtime.h.ts';
import { PRINTK } from '../../include/linux/printk.h.ts';
import { PSTORE_FRONTENDS, PSTOREFS } from '../../include/linux/pstore.h.ts';
import { REBOOT } from '../../include/linux/reboot.h.ts';
import { SPINLOCK, type spinlock_t } from '../../include/linux/spinlock.h.ts';
import { SUSPEND } from '../../include/linux/suspend.h.ts';
import { MmcCore } from '../../drivers/mmc/core/core.ts';
import { MmcAttach } from '../../drivers/mmc/core/mmc.ts';
import { MmcBlock } from '../../drivers/mmc/core/block.ts';
import type { EmmcCard } from '../../hw/sd/emmc.ts';
import { CardJournal, type card_range, type card_write } from '../../init/card_journal.ts';
import { pstore_window } from '../../init/panic_audit.ts';
import { BoardCards } from '../../init/board_cards.ts';
import type { Machine } from '../../init/machine.ts';
import { cut_power, power_off, type power_cut_evidence } from './power_cut.ts';
import { sectors_outside } from '../../init/card_sectors.ts';
import type { scenario_step } from './schema.ts';

const MS = 1e6;
/** How long a task that holds something sleeps at a time: for ever, in effect. */
const FOREVER_MS = 3_600_000;


/** The state a scenario carries from step to step. */
export interface scenario_context {
  m: Machine;
  /** The machine that crashed (panic or oops), kept for the evidence once the next boot runs. */
  crashed: Machine | null;
  /** Text the crash record must hold: the panic or oops message. */
  marker: string | null;
  /** printk and console lines written before the crash: what the dmesg record must hold. */
  readonly lines: string[];
  /** Scenario block I/O not finished yet, as card ranges: its tail may land after the panic. */
  readonly in_flight: Set<card_range>;
  /** Card writes of scenario I/O that landed somewhere else than asked (a stale partition, say). */
  readonly misdirected: card_write[];
  /** What was in flight when the crash came: its writes are not the panic path's. */
  in_flight_at_crash: readonly card_range[];
  /** Modules loaded after each boot (mmcpstore as m, a user's variant). */
  readonly after_boot: (m: Machine) => Promise<void>;
  /** Set when exploration stopped the machine at its panic point: the step in progress ends there. */
  stopped: boolean;
  /** The power cut during the crash (a panic step's power_cut_after_us), with its evidence. */
  power_cut: power_cut_evidence | null;
  /** c.m.exec() (up to @until, if given) and c.m.run(), ending the step with STOPPED once the machine is stopped. */
  exec<T>(cpu: number, comm: string, fn: () => Promise<T>, until?: number): Promise<T | undefined>;
  run(until: number): Promise<void>;
}

/** Thrown out of a step when exploration has stopped the machine at its point. */
export const STOPPED = new Error('stopped at the exploration point');

export const scenario_context_init = (m: Machine, after_boot: (m: Machine) => Promise<void>): scenario_context => {
  const c: scenario_context = {
    m,
    crashed: null,
    marker: null,
    lines: [],
    in_flight: new Set(),
    misdirected: [],
    in_flight_at_crash: [],
    after_boot,
    stopped: false,
    power_cut: null,
    async exec(cpu, comm, fn, until) {
      const v = await c.m.exec(cpu, comm, fn, until);
      if (c.stopped) throw STOPPED;
      return v;
    },
    async run(until) {
      await c.m.run(until);
      if (c.stopped) throw STOPPED;
    },
  };
  return c;
};

const card_of = (m: Machine) => {
  const card = m.resolve(MmcBlock).cards()[0]?.[0];
  if (!card) throw new Error('the scenario needs an eMMC card, and the board has none');
  return card;
};

/** The card model behind the host (the device the host driver talks to). */
const card_model_of = (m: Machine): EmmcCard => {
  const card = [...m.resolve(BoardCards).models.values()][0];
  if (!card) throw new Error('the scenario needs an eMMC card, and the board has none');
  return card;
};

/** The lock a frozen CPU holds: the core's mmc_host->lock, or the driver's own (sdhci_host->lock). */
const lock_of = (m: Machine, which: 'mmc_host' | 'sdhci_host'): spinlock_t => {
  const host = card_of(m).host;
  if (which === 'mmc_host') return host.lock;
  const own = (host.private as { lock?: spinlock_t } | null)?.lock;
  if (!own) throw new Error(`hold_lock: ${which} needs the sdhci host, and this one has no lock of its own`);
  return own;
};

/** Byte i is (31 i + seed) & 0xff, so the data repeats every 256 bytes: fill those, then copy. */
const pattern = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < Math.min(n, 256); i++) out[i] = (i * 31 + seed) & 0xff;
  for (let have = 256; have < n; have *= 2) out.copyWithin(have, 0, Math.min(have, n - have));
  return out;
};

/** Sectors written during a scenario write to @asked that went neither there, nor to pstore's window, nor to other I/O in flight: runs. */
const misdirected = (m: Machine, writes: readonly card_write[], asked: card_range, others: Iterable<card_range>): card_write[] => {
  const window = pstore_window(m);
  return sectors_outside(writes, [asked, ...others, ...(window ? [window] : [])]);
};

/** Sleep for ever: the calling task keeps what it took (a claim) until the panic freezes it. */
const forever = async (m: Machine): Promise<void> => {
  for (;;) await m.resolve(DELAY).msleep(FOREVER_MS);
};

export const run_step = async (c: scenario_context, s: scenario_step): Promise<void> => {
  const m = c.m;
  const cpu = s.cpu ?? 0;
  switch (s.do) {
    case 'printk':
    case 'console':
      c.lines.push(s.text!);
      await c.exec(cpu, s.do, async () => {
        for (let i = 0; i < (s.repeat ?? 1); i++) m.resolve(PRINTK)[s.do === 'printk' ? 'pr_info' : 'pr_notice'](`${s.text}\n`);
      });
      return;
    case 'pmsg':
      await c.exec(cpu, 'pmsg', () => m.resolve(PSTORE_FRONTENDS).pmsg_write(new TextEncoder().encode(`${s.text}\n`)));
      return;
    case 'io': {
      const block = m.resolve(BLOCK);
      const bdev = block.lookup_bdev(s.dev!);
      if (!bdev) throw new Error(`io: no block device ${s.dev}`);
      // Boot partitions are read-only until force_ro is cleared, as an updater does first.
      if (s.op === 'write') block.set_disk_ro(bdev.disk, false);
      const buf = s.op === 'write' ? pattern((s.blocks ?? 1) * 512, s.sector!) : new Uint8Array((s.blocks ?? 1) * 512);
      const io = async () => {
        return s.op === 'write' ? block.bdev_write(bdev, s.sector!, buf) : block.bdev_read(bdev, s.sector!, buf);
      };
      const range: card_range = {
        part: /boot([01])$/.exec(s.dev!)?.[0] as card_range['part'] ?? 'user',
        start: (bdev.start_sect + s.sector!) * 512,
        end: (bdev.start_sect + s.sector!) * 512 + buf.length,
      };
      const journal = m.resolve(CardJournal);
      const from = journal.length;
      const done = () => {
        c.in_flight.delete(range);
        if (s.op === 'write') c.misdirected.push(...misdirected(m, journal.slice(from), range, c.in_flight));
      };
      c.in_flight.add(range);
      if (s.background) {
        m.spawn(cpu, 'io', async () => {
          await io();
          done();
        });
      }
      else {
        const err = await c.exec(cpu, 'io', io);
        done();
        if (err) throw new Error(`io: ${s.op} of ${s.dev} at ${s.sector} failed: ${err}`);
      }
      return;
    }
    case 'claim_host':
      m.spawn(cpu, 'claimer', async () => {
        await m.resolve(MmcCore).mmc_claim_host(card_of(m).host);
        await forever(m);
      });
      await c.run(c.m.now + 5 * MS);
      return;
    case 'hold_lock':
      m.spawn(cpu, 'locker', async () => {
        await m.resolve(SPINLOCK).spin_lock(lock_of(m, s.lock!));
        for (;;) await m.resolve(DELAY).udelay(100);
      });
      await c.run(c.m.now + 1 * MS);
      return;
    case 'wait_for': {
      // Run until the card is in the phase: a request in flight stops there.
      const model = card_model_of(m);
      const until = m.now + (s.timeout_ms ?? 1000) * MS;
      const there = (): boolean => (s.phase === 'busy' ? model.busy : s.phase === 'cmd23' ? model.blockCountPending : model.state === s.phase);
      // Phases that begin with a command or a block stop the machine right there; those that
      // begin as time passes (busy ending) are polled.
      model.observer = () => {
        if (there()) m.sched.pause();
      };
      try {
        while (!there()) {
          if (m.now >= until) throw new Error(`wait_for: the card never reached ${s.phase} (it is in ${model.state})`);
          await c.run(c.m.now + 1000);
        }
      } finally {
        model.observer = null;
      }
      return;
    }
    case 'runtime_suspend': {
      const card = card_of(m);
      const dev = s.target === 'host' ? card.host.parent : card.dev;
      const err = await c.exec(0, 'rpm', () => m.resolve(PM_RUNTIME).pm_runtime_suspend(dev));
      if ((err ?? -1) < 0) throw new Error(`runtime_suspend: the ${s.target} refused to suspend: ${err}`);
      return;
    }
    case 'suspend_begin':
      await c.exec(0, 'suspend', () => m.resolve(SUSPEND).pm_suspend_begin());
      return;
    case 'cqe_enable': {
      const card = card_of(m);
      const core = m.resolve(MmcCore);
      const err = await c.exec(0, 'cqe', async () => {
        await core.mmc_claim_host(card.host);
        let e = await m.resolve(MmcAttach).mmc_cmdq_switch(card, true);
        // Queue tasks with CMD44/CMD45 and leave them there, as a frozen CQE would.
        for (let id = 0; !e && id < (s.queued ?? 0); id++) {
          const params = mmc_command_init({ opcode: MMC_QUE_TASK_PARAMS, arg: (1 << 30) | (id << 16) | 8, flags: MMC_RSP_R1 | MMC_CMD_AC });
          const addr = mmc_command_init({ opcode: MMC_QUE_TASK_ADDR, arg: 0x1000 + id * 8, flags: MMC_RSP_R1 | MMC_CMD_AC });
          e = (await core.mmc_wait_for_cmd(card.host, params, 0)) || (await core.mmc_wait_for_cmd(card.host, addr, 0));
        }
        await core.mmc_release_host(card.host);
        return e;
      });
      if (err) throw new Error(`cqe_enable: ${err}`);
      return;
    }
    case 'dma_straddle': {
      // Fill the DMA zone from its first free byte to @before below the next @boundary: the next
      // mapping (the panic write's buffer) straddles the boundary.
      if (!m.container.isRegistered(DMA)) throw new Error('dma_straddle: this board has no DMA zone (a DMA-capable host has one)');
      const dma = m.resolve(DMA);
      const boundary = (s.boundary_kib ?? 512) * 1024;
      const before = (s.before_kib ?? 32) * 1024;
      const probe = dma.dma_alloc_coherent(8, 8);
      dma.dma_free_coherent(probe);
      const at = probe.dma_addr;
      const target = Math.ceil((at + before) / boundary) * boundary - before;
      if (target > at) dma.dma_alloc_coherent(target - at, 8);
      return;
    }
    case 'need_retune':
      card_of(m).host.need_retune = true;
      return;
    case 'panic':
    case 'oops': {
      c.marker = s.message ?? `scenario ${s.do}`;
      c.crashed = m;
      c.in_flight_at_crash = [...c.in_flight];
      const p = m.resolve(PANIC);
      const start = m.now;
      // A power cut during the panic: nothing runs past that instant.
      const cut = s.power_cut_after_us === undefined ? undefined : start + s.power_cut_after_us * 1e3;
      await c.exec(cpu, 'crasher', () => (s.do === 'panic' ? p.panic(c.marker!) : p.oops(c.marker!)), cut);
      // An oops leaves the machine running: give the deferred pstore flush its time.
      if (s.do === 'oops') await c.run(c.m.now + 2000 * MS);
      if (cut !== undefined) c.power_cut = await cut_power(m, card_model_of(m), cut, start);
      return;
    }
    case 'sleep':
      await c.run(c.m.now + s.ms! * MS);
      return;
    case 'reboot':
      if (!m.halted) await c.exec(0, 'reboot', () => m.resolve(REBOOT).kernel_restart());
      c.m = await m.reboot();
      await c.after_boot(c.m);
      return;
    case 'power_cut':
      // The card loses power where it stands: programming not finished is undone.
      m.sched.halt('power cut');
      power_off(m, card_model_of(m));
      c.m = await m.reboot();
      await c.after_boot(c.m);
      return;
    case 'mount':
      await c.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
      return;
    case 'unlink': {
      const err = await c.exec(0, 'rm', () => m.resolve(PSTOREFS).unlink(s.file!));
      if (err) throw new Error(`unlink ${s.file}: ${err}`);
      return;
    }
    case 'rmmod':
    case 'modprobe': {
      const mods = m.resolve(MODULES);
      const err = await c.exec(0, s.do, () => (s.do === 'rmmod' ? mods.rmmod(s.module!) : mods.modprobe(s.module!, {})));
      if (err) throw new Error(`${s.do} ${s.module}: ${err}`);
      return;
    }
  }
  throw new Error(`unknown step ${s.do}`);
};
