// SPDX-License-Identifier: GPL-2.0
// The pstore core (fs/pstore/platform.c): the one backend slot with Linux's refusals, the kmsg
// dumper (pstore_dump: "<Reason>#<n> Part<k>" headers, the capture window, compression with
// its fallback), and the console, pmsg and ftrace frontends. Which kernel's compression rules
// apply is a profile (CONFIG_PSTORE_COMPRESS_PROFILE): 6.1, 6.6+, or none.
import { inject, injectable } from 'tsyringe';
import { EBUSY, EINVAL, EPERM } from '../../include/linux/errno.h.ts';
import { KCONFIG, type kconfig } from '../../include/linux/kconfig.h.ts';
import { KMSG_DUMP, KMSG_DUMP_EMERG, KMSG_DUMP_PANIC, type kmsg_dump_api, type kmsg_dumper } from '../../include/linux/kmsg_dump.h.ts';
import { MUTEX, type mutex_api } from '../../include/linux/mutex.h.ts';
import { PRINTK, type console, type printk_api } from '../../include/linux/printk.h.ts';
import {
  PSTORE_FLAGS_CONSOLE,
  PSTORE_FLAGS_DMESG,
  PSTORE_FLAGS_FTRACE,
  PSTORE_FLAGS_PMSG,
  PSTORE_TYPE_CONSOLE,
  PSTORE_TYPE_DMESG,
  PSTORE_TYPE_FTRACE,
  PSTORE_TYPE_PMSG,
  type pstore_api,
  type pstore_frontend_api,
  type pstore_info,
  type pstore_record,
  pstore_record_zero,
} from '../../include/linux/pstore.h.ts';
import { IRQFLAGS, SCHED, type irqflags_api, type sched_api } from '../../include/linux/sched.h.ts';
import { SPINLOCK, type spinlock_api } from '../../include/linux/spinlock.h.ts';
import { TIMEKEEPING, type timekeeping_api } from '../../include/linux/timekeeping.h.ts';
import { WAIT, type wait_api } from '../../include/linux/wait.h.ts';
import { pstore_compressor, type compress_profile, type pstore_compressor_t } from './compress.ts';
import { PSTORE_PARAMS, type pstore_params } from './params.ts';

const encoder = new TextEncoder();

@injectable()
export class Pstore implements pstore_api, pstore_frontend_api {
  psinfo: pstore_info | null = null;
  readonly profile: compress_profile;
  readonly compressor: pstore_compressor_t;
  /** Bytes of log to dump per kmsg_dump (pstore.kmsg_bytes / the kmsg_bytes mount option). */
  kmsg_bytes: number;
  /** pstore.backend: once set, only that backend may register. */
  private backend: string;
  private oopscount = 0;
  private big_oops_buf_sz = 0;
  private readonly buf_lock;
  private readonly pmsg_lock;
  private ftrace_ts = 0n;
  private dumper: kmsg_dumper | null = null;
  private con: console | null = null;
  /** Console lines waiting for the pstore console's writer (printk cannot wait for a device). */
  private readonly console_q: Uint8Array[] = [];
  private readonly console_wq;
  /** Set by the filesystem: read the new backend's records if pstorefs is mounted. */
  on_backend: ((psi: pstore_info) => Promise<void>) | null = null;
  on_unregister: (() => void) | null = null;

  constructor(
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(KMSG_DUMP) private readonly kmsg: kmsg_dump_api,
    @inject(SPINLOCK) private readonly sl: spinlock_api,
    @inject(MUTEX) private readonly mx: mutex_api,
    @inject(WAIT) private readonly wait: wait_api,
    @inject(SCHED) private readonly sched: sched_api,
    @inject(IRQFLAGS) private readonly irq: irqflags_api,
    @inject(TIMEKEEPING) private readonly tk: timekeeping_api,
    @inject(KCONFIG) config: kconfig,
    @inject(PSTORE_PARAMS) params: pstore_params,
  ) {
    const compress = config['PSTORE_COMPRESS'] === 'y' && params.compress === 'deflate';
    this.profile = compress ? ((config['PSTORE_COMPRESS_PROFILE'] as compress_profile | undefined) ?? '6.1') : 'none';
    this.compressor = pstore_compressor(this.profile);
    this.kmsg_bytes = params.kmsg_bytes || Number(config['PSTORE_DEFAULT_KMSG_BYTES'] ?? 10240);
    this.backend = params.backend;
    this.buf_lock = sl.spin_lock_init('psinfo->buf_lock');
    this.pmsg_lock = mx.mutex_init('pmsg_lock');
    this.console_wq = wait.init_waitqueue_head('pstore_console');
  }

  /** 6.1 refuses a second or unexpected backend with -EPERM; 6.2+ with -EBUSY. */
  private get refused(): number {
    return this.profile === '6.6' ? -EBUSY : -EPERM;
  }

  pstore_record_init(psi: pstore_info): pstore_record {
    return pstore_record_zero(psi, this.tk.ktime_get_real_ts64());
  }

  /** pstore_register() - take the backend slot and start the frontends it asks for. */
  async pstore_register(psi: pstore_info): Promise<number> {
    if (this.backend && this.backend !== psi.name) {
      this.printk.pr_warn(`pstore: ignoring unexpected backend '${psi.name}'\n`);
      return this.refused;
    }
    if (!psi.flags) {
      this.printk.pr_warn(`pstore: backend '${psi.name}' must support at least one frontend\n`);
      return -EINVAL;
    }
    if (this.psinfo) {
      this.printk.pr_warn(`pstore: backend '${this.psinfo.name}' already loaded: ignoring '${psi.name}'\n`);
      return this.refused;
    }
    this.psinfo = psi;
    this.backend = psi.name;
    if (psi.flags & PSTORE_FLAGS_DMESG && this.compressor.name) {
      this.big_oops_buf_sz = this.compressor.capture_size(psi.bufsize);
      this.printk.pr_info(`pstore: Using crash dump compression: ${this.compressor.name}\n`);
    }
    await this.on_backend?.(psi);
    if (psi.flags & PSTORE_FLAGS_DMESG) {
      this.dumper = { max_reason: psi.max_reason, dump: (_d, reason) => this.pstore_dump(reason) };
      this.kmsg.kmsg_dump_register(this.dumper);
    }
    if (psi.flags & PSTORE_FLAGS_CONSOLE) this.register_console(psi);
    if (psi.flags & PSTORE_FLAGS_FTRACE) this.ftrace_ts = 0n;
    this.printk.pr_info(`pstore: Registered ${psi.name} as persistent store backend\n`);
    return 0;
  }

  async pstore_unregister(psi: pstore_info): Promise<void> {
    if (this.psinfo !== psi) return;
    if (this.con) this.printk.unregister_console(this.con);
    if (this.dumper) this.kmsg.kmsg_dump_unregister(this.dumper);
    this.con = null;
    this.dumper = null;
    this.psinfo = null;
    this.big_oops_buf_sz = 0;
    this.on_unregister?.();
  }

  // ---- kmsg dumper ----------------------------------------------------------------------

  /**
   * pstore_dump() - write the newest kmsg_bytes of the log as parts 1, 2, ... Panic and
   * emergency dumps may not wait for the buffer lock (a frozen CPU may hold it).
   * Context: the kmsg_dump caller's, panic included.
   */
  async pstore_dump(reason: number): Promise<void> {
    const psi = this.psinfo;
    if (!psi) return;
    const why = this.kmsg.kmsg_dump_reason_str(reason);
    let flags: boolean;
    if (reason === KMSG_DUMP_PANIC || reason === KMSG_DUMP_EMERG) {
      flags = this.irq.local_irq_save();
      if (!this.sl.spin_trylock(this.buf_lock)) {
        this.irq.local_irq_restore(flags);
        this.printk.pr_err(`pstore: dump skipped in ${why} path because of concurrent dump\n`);
        return;
      }
    } else flags = await this.sl.spin_lock_irqsave(this.buf_lock);
    try {
      await this.drain_console();
      const iter = { cur_seq: 0, next_seq: 0 };
      this.kmsg.kmsg_dump_rewind(iter);
      this.oopscount++;
      const big = this.big_oops_buf_sz > 0;
      for (let total = 0, part = 1; total < this.kmsg_bytes; part++) {
        const header = encoder.encode(`${why}#${this.oopscount} Part${part}\n`);
        const dst_size = (big ? this.big_oops_buf_sz : psi.bufsize) - header.length;
        const dump = this.kmsg.kmsg_dump_get_buffer(iter, true, dst_size);
        if (!dump) break;
        const captured = new Uint8Array(header.length + dump.length);
        captured.set(header);
        captured.set(dump, header.length);
        const record = this.pstore_record_init(psi);
        record.type = PSTORE_TYPE_DMESG;
        record.count = this.oopscount;
        record.reason = reason;
        record.part = part;
        let out = captured;
        if (big) {
          const zipped = this.compressor.compress(captured, psi.bufsize);
          if (zipped) {
            out = zipped;
            record.compressed = true;
          } else out = this.compressor.fallback(captured, header.length, psi.bufsize);
        }
        psi.buf.set(out.subarray(0, psi.bufsize));
        record.buf = psi.buf;
        record.size = Math.min(out.length, psi.bufsize);
        await psi.write(record);
        total += record.size;
      }
    } finally {
      this.sl.spin_unlock_irqrestore(this.buf_lock, flags);
    }
  }

  // ---- console ----------------------------------------------------------------------------

  /**
   * The pstore console. printk hands it each line at once; a writer thread passes the lines to
   * the backend with interrupts off (as console_unlock() calls consoles), and a dump drains
   * what is queued first, so a panic record's console zone holds every line printed before it.
   */
  private register_console(psi: pstore_info): void {
    this.con = {
      name: `${psi.name}-1`,
      write: (line) => {
        this.console_q.push(encoder.encode(line));
        this.wait.wake_up(this.console_wq);
      },
    };
    this.printk.register_console(this.con);
    this.sched.kthread_run(() => this.console_thread(), 0, 'pstore_console');
  }

  private async console_thread(): Promise<void> {
    for (;;) {
      await this.wait.wait_event_idle(this.console_wq, () => this.console_q.length > 0 || !this.con);
      if (!this.con) return;
      await this.drain_console();
    }
  }

  private async drain_console(): Promise<void> {
    const psi = this.psinfo;
    for (let line = this.console_q.shift(); line && psi; line = this.console_q.shift()) {
      const record = this.pstore_record_init(psi);
      record.type = PSTORE_TYPE_CONSOLE;
      record.buf = line;
      record.size = line.length;
      const flags = this.irq.local_irq_save();
      await psi.write(record);
      this.irq.local_irq_restore(flags);
    }
  }

  // ---- pmsg and ftrace --------------------------------------------------------------------

  async pmsg_write(data: Uint8Array): Promise<number> {
    const psi = this.psinfo;
    if (!psi || !(psi.flags & PSTORE_FLAGS_PMSG)) return -EINVAL;
    if (!data.length) return 0;
    await this.mx.mutex_lock(this.pmsg_lock);
    try {
      const record = this.pstore_record_init(psi);
      record.type = PSTORE_TYPE_PMSG;
      record.buf = data;
      record.size = data.length;
      const ret = await psi.write(record);
      return ret < 0 ? ret : data.length;
    } finally {
      this.mx.mutex_unlock(this.pmsg_lock);
    }
  }

  /** pstore_ftrace_call(): a 24-byte record; the CPU rides in the low 8 bits of the counter. */
  async ftrace_call(ip: bigint, parent_ip: bigint): Promise<void> {
    const psi = this.psinfo;
    if (!psi || !(psi.flags & PSTORE_FLAGS_FTRACE)) return;
    const rec = new DataView(new ArrayBuffer(24));
    rec.setBigUint64(0, ip, true);
    rec.setBigUint64(8, parent_ip, true);
    rec.setBigUint64(16, (this.ftrace_ts++ << 8n) | BigInt(this.sched.smp_processor_id() & 0xff), true);
    const record = this.pstore_record_init(psi);
    record.type = PSTORE_TYPE_FTRACE;
    record.buf = new Uint8Array(rec.buffer);
    record.size = 24;
    const flags = this.irq.local_irq_save();
    await psi.write(record);
    this.irq.local_irq_restore(flags);
  }
}
