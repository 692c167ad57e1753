// SPDX-License-Identifier: GPL-2.0
// The pstore filesystem (fs/pstore/inode.c): mounting reads every record of the backend
// (pstore_get_records, which makes pstore/zone recover), each record becomes a 0444 file named
// <type>-<backend>-<id>[.enc.z], and unlink erases the record in the backend.
import { inject, injectable } from 'tsyringe';
import { ENOENT, EPERM } from '../../include/linux/errno.h.ts';
import { MUTEX, type mutex_api } from '../../include/linux/mutex.h.ts';
import type { pstore_dirent, pstore_info, pstorefs_api } from '../../include/linux/pstore.h.ts';
import { TIMEKEEPING, type timekeeping_api } from '../../include/linux/timekeeping.h.ts';
import { Pstore } from './platform.ts';
import { pstore_file_of, type pstore_file } from './records.ts';

/** The core's "looping?" guard on a backend that never says "no more". */
const MAX_RECORDS = 65536;

@injectable()
export class PstoreFs implements pstorefs_api {
  mounted = false;
  private readonly files = new Map<string, { file: pstore_file; dirent: pstore_dirent }>();
  /** psinfo->read_mutex: reads and erases of the backend do not interleave. */
  private readonly read_mutex;

  constructor(
    @inject(Pstore) private readonly core: Pstore,
    @inject(MUTEX) private readonly mx: mutex_api,
    @inject(TIMEKEEPING) private readonly tk: timekeeping_api,
  ) {
    this.read_mutex = mx.mutex_init('psinfo->read_mutex');
    core.on_backend = (psi) => (this.mounted ? this.pstore_get_records(psi) : Promise.resolve());
    core.on_unregister = () => this.files.clear();
  }

  async mount(): Promise<number> {
    if (this.mounted) return 0;
    this.mounted = true;
    if (this.core.psinfo) await this.pstore_get_records(this.core.psinfo);
    return 0;
  }

  readdir(): readonly pstore_dirent[] {
    return [...this.files.values()].map((f) => f.dirent);
  }

  read(name: string): Uint8Array | null {
    return this.files.get(name)?.file.data ?? null;
  }

  async unlink(name: string): Promise<number> {
    const f = this.files.get(name);
    if (!f) return -ENOENT;
    const psi = this.core.psinfo;
    if (!psi?.erase) return -EPERM;
    await this.mx.mutex_lock(this.read_mutex);
    try {
      await psi.erase(f.file.record);
    } finally {
      this.mx.mutex_unlock(this.read_mutex);
    }
    this.files.delete(name);
    return 0;
  }

  /** pstore_get_records(): every record of @psi becomes a file; a name already present is kept. */
  private async pstore_get_records(psi: pstore_info): Promise<void> {
    await this.mx.mutex_lock(this.read_mutex);
    try {
      if (await psi.open(psi)) return;
      for (let n = 0; n < MAX_RECORDS; n++) {
        const record = this.core.pstore_record_init(psi);
        const size = await psi.read(record);
        if (size <= 0) break;
        const file = pstore_file_of(record, psi.name, this.core.compressor);
        if (this.files.has(file.name)) continue;
        const mtime = file.mtime ?? this.tk.ktime_get_real_ts64();
        this.files.set(file.name, { file, dirent: { name: file.name, size: file.data.length, mode: 0o444, mtime } });
      }
      await psi.close(psi);
    } finally {
      this.mx.mutex_unlock(this.read_mutex);
    }
  }
}
