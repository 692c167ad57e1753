// SPDX-License-Identifier: GPL-2.0
// A stand-in for the pstore core (platform.c) in pstore/zone tests: it keeps the backend it
// is given and reads, writes and erases through it the way the core does.
import { EBUSY } from '../../../include/linux/errno.h.ts';
import type { pstore_api, pstore_info, pstore_record } from '../../../include/linux/pstore.h.ts';

export class FakePstore implements pstore_api {
  psi: pstore_info | null = null;
  registrations = 0;

  async pstore_register(psi: pstore_info): Promise<number> {
    if (this.psi) return -EBUSY;
    this.psi = psi;
    this.registrations++;
    return 0;
  }

  async pstore_unregister(psi: pstore_info): Promise<void> {
    if (this.psi === psi) this.psi = null;
  }

  pstore_record_init(psi: pstore_info): pstore_record {
    return { psi, type: 0, id: 0, time: { tv_sec: 0, tv_nsec: 0 }, buf: null, size: 0, part: 0, count: 0, reason: 0, compressed: false, ecc_notice_size: 0 };
  }

  get backend(): pstore_info {
    if (!this.psi) throw new Error('FakePstore: no backend registered');
    return this.psi;
  }

  /** pstore_get_backend_records(): open, read until the backend returns <= 0, close. */
  async read_all(): Promise<{ records: pstore_record[]; last: number }> {
    const psi = this.backend;
    const records: pstore_record[] = [];
    await psi.open(psi);
    let last = 0;
    for (let i = 0; i < 65536; i++) {
      const r = this.pstore_record_init(psi);
      last = await psi.read(r);
      if (last <= 0) break;
      r.size = last;
      records.push(r);
    }
    await psi.close(psi);
    return { records, last };
  }

  /** A record for psi.write: @type, @buf as payload, kmsg fields as given. */
  record(type: number, buf: Uint8Array, fields: Partial<pstore_record> = {}): pstore_record {
    return { ...this.pstore_record_init(this.backend), type, buf, size: buf.length, part: 1, ...fields };
  }
}
