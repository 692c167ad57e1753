// SPDX-License-Identifier: GPL-2.0
// pstore/zone (fs/pstore/zone.c): the storage layer between the pstore core and a device that
// can read and write bytes at offsets (pstore/blk). register_pstore_zone() checks the sizes,
// cuts the area into zones and registers a pstore backend whose read/write/erase are the
// psz_pstore_* functions shared with the offline reader; this class adds the kernel around
// them: the registration lock, the log and the delayed flush worker (psz_cleaner).
import { inject, injectable } from 'tsyringe';
import { JIFFIES, type jiffies_api } from '../../include/linux/jiffies.h.ts';
import { MUTEX, type mutex, type mutex_api } from '../../include/linux/mutex.h.ts';
import { PRINTK, type printk_api } from '../../include/linux/printk.h.ts';
import { PSTORE, PSTORE_FLAGS_CONSOLE, PSTORE_FLAGS_DMESG, PSTORE_FLAGS_FTRACE, PSTORE_FLAGS_PMSG, type pstore_api, type pstore_info } from '../../include/linux/pstore.h.ts';
import type { pstore_zone_api, pstore_zone_info } from '../../include/linux/pstore_zone.h.ts';
import { SCHED, type sched_api } from '../../include/linux/sched.h.ts';
import { WORKQUEUE, type delayed_work, type workqueue_api } from '../../include/linux/workqueue.h.ts';
import { psz_alloc_zones, psz_context_init, psz_flush_all_dirty_zones, psz_free_all_zones, type psz_context, type psz_env } from './zone_context.ts';
import { psz_pstore_erase } from './zone_erase.ts';
import { PSZ_KMSG_HDR_SIZE, kmsg_dump_reason_str } from './zone_format.ts';
import { SZ_128M, psz_busy_error, psz_check_sizes, psz_place_zones, type psz_layout_error } from './zone_layout.ts';
import { psz_pstore_open, psz_pstore_read } from './zone_read.ts';
import { psz_pstore_write } from './zone_write.ts';

type mutable<T> = { -readonly [K in keyof T]: T[K] };

@injectable()
export class PstoreZone implements pstore_zone_api {
  /** pstore_zone_cxt: one per machine, as zone.c has one static context. */
  private readonly cxt: psz_context;
  /** pstore_zone_cxt.pstore: the backend handed to the core, kept across registrations. */
  private readonly psinfo: mutable<pstore_info>;
  /** pstore_zone_info_lock. */
  private readonly lock: mutex;
  /** psz_cleaner: flushes dirty zones after the device said -EBUSY. */
  private readonly cleaner: delayed_work;

  constructor(
    @inject(PSTORE) private readonly pstore: pstore_api,
    @inject(WORKQUEUE) private readonly wq: workqueue_api,
    @inject(JIFFIES) jiffies: jiffies_api,
    @inject(PRINTK) printk: printk_api,
    @inject(SCHED) private readonly sched: sched_api,
    @inject(MUTEX) private readonly mutexes: mutex_api,
  ) {
    const env: psz_env = {
      pr_info: (msg) => printk.pr_info(`pstore_zone: ${msg}\n`),
      pr_warn: (msg) => printk.pr_warn(`pstore_zone: ${msg}\n`),
      pr_err: (msg) => printk.pr_err(`pstore_zone: ${msg}\n`),
      schedule_flush: (ms) => void wq.schedule_delayed_work(this.cleaner, jiffies.msecs_to_jiffies(ms)),
      smp_processor_id: () => sched.smp_processor_id(),
    };
    this.cxt = psz_context_init(env);
    this.lock = mutexes.mutex_init('pstore_zone_info_lock');
    this.cleaner = wq.INIT_DELAYED_WORK(() => psz_flush_all_dirty_zones(this.cxt));
    const cxt = this.cxt;
    this.psinfo = {
      name: '',
      buf: new Uint8Array(0),
      bufsize: 0,
      flags: 0,
      max_reason: 0,
      open: async () => psz_pstore_open(cxt),
      close: async () => 0,
      read: (record) => psz_pstore_read(cxt, record),
      write: (record) => psz_pstore_write(cxt, record),
      erase: (record) => psz_pstore_erase(cxt, record),
    };
  }

  /**
   * register_pstore_zone() - check @info (sizes, name, read/write), take the one pstore/zone
   * slot (-EBUSY if held), place the zones and register with the pstore core as backend
   * @info.name for each frontend with a non-zero size. A total_size over 128 MiB is capped in
   * @info itself. Returns 0 or -errno.
   * Context: may sleep.
   */
  async register_pstore_zone(info: pstore_zone_info): Promise<number> {
    const cxt = this.cxt;
    const chk = psz_check_sizes(
      { ...info, nr_cpus: this.sched.nr_cpu_ids },
      { name: info.name, has_read: typeof info.read === 'function', has_write: typeof info.write === 'function' },
    );
    for (const w of chk.warnings) cxt.env.pr_warn(w);
    // Linux caps @info's own total_size as it checks, whatever the later checks say.
    if (info.total_size > SZ_128M) info.total_size = SZ_128M;
    if (!chk.ok) return this.fail(chk);

    await this.mutexes.mutex_lock(this.lock);
    try {
      if (cxt.info) return this.fail(psz_busy_error(cxt.info.name, info.name));
      cxt.info = info;
      const placed = psz_place_zones({ ...info, nr_cpus: this.sched.nr_cpu_ids }, info.total_size);
      if (!placed.ok) {
        this.fail(placed);
        cxt.env.pr_err('alloc zones failed');
        cxt.info = null;
        return -placed.errno;
      }
      psz_alloc_zones(cxt, placed.layout);

      const psi = this.psinfo;
      if (info.kmsg_size) {
        psi.bufsize = cxt.kpszs![0]!.buffer_size - PSZ_KMSG_HDR_SIZE;
        psi.buf = new Uint8Array(psi.bufsize);
      }
      psi.max_reason = info.max_reason;
      psi.name = info.name;
      // Flags only ever gain bits: zone.c never clears its static pstore_info's.
      let line = `registered ${info.name} as backend for`;
      if (info.kmsg_size) {
        psi.flags |= PSTORE_FLAGS_DMESG;
        line += ` kmsg(${kmsg_dump_reason_str(psi.max_reason)}${info.panic_write ? ',panic_write' : ''})`;
      }
      if (info.pmsg_size) {
        psi.flags |= PSTORE_FLAGS_PMSG;
        line += ' pmsg';
      }
      if (info.console_size) {
        psi.flags |= PSTORE_FLAGS_CONSOLE;
        line += ' console';
      }
      if (info.ftrace_size) {
        psi.flags |= PSTORE_FLAGS_FTRACE;
        line += ' ftrace';
      }
      cxt.env.pr_info(line);

      const err = await this.pstore.pstore_register(psi);
      if (err) {
        cxt.env.pr_err('registering with pstore failed');
        psi.buf = new Uint8Array(0);
        psi.bufsize = 0;
        psz_free_all_zones(cxt);
        cxt.info = null;
        return err;
      }
      return 0;
    } finally {
      this.mutexes.mutex_unlock(this.lock);
    }
  }

  /**
   * unregister_pstore_zone() - unregister from the core (no more writes come), flush what is
   * dirty and run a pending flush now, then drop the zones and reset the counters and the
   * recovered and on_panic flags. Like Linux it does not check that @info is the registered one.
   * Context: may sleep.
   */
  async unregister_pstore_zone(_info: pstore_zone_info): Promise<void> {
    const cxt = this.cxt;
    await this.mutexes.mutex_lock(this.lock);
    try {
      if (!cxt.info) return;
      await this.pstore.pstore_unregister(this.psinfo);
      await psz_flush_all_dirty_zones(cxt);
      await this.flush_delayed_work(this.cleaner);
      cxt.info = null;
    } finally {
      this.mutexes.mutex_unlock(this.lock);
    }
    this.psinfo.buf = new Uint8Array(0);
    this.psinfo.bufsize = 0;
    psz_free_all_zones(cxt);
    cxt.oops_counter = 0;
    cxt.panic_counter = 0;
    cxt.recovered = false;
    cxt.on_panic = false;
  }

  /** flush_delayed_work(): a pending flush runs now, and is waited for. */
  private async flush_delayed_work(dw: delayed_work): Promise<void> {
    if (this.wq.cancel_delayed_work(dw)) this.wq.queue_work(this.wq.system_wq, dw.work);
    await this.wq.flush_work(dw.work);
  }

  /** Log a refused registration as Linux does and return its -errno. */
  private fail(e: psz_layout_error): number {
    if (e.error) (e.level === 'warn' ? this.cxt.env.pr_warn : this.cxt.env.pr_err)(e.error);
    return -e.errno;
  }
}
