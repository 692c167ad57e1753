// SPDX-License-Identifier: GPL-2.0
// The FileHandle of include/hw/block.h.ts on Node's synchronous fs calls, for FileBackend:
// positional reads and writes, ftruncate (which leaves a hole, so a big card image is sparse on
// disk) and fsync. Synchronous on purpose: device models are synchronous and the panic path must
// not wait for the event loop.
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { FileHandle } from '../../include/hw/block.h.ts';

export interface OpenFileOptions {
  /** Create the file if it does not exist (default false). */
  create?: boolean;
  /** Extend a shorter file to this many bytes, leaving a hole (not with readOnly). */
  size?: number;
  /** Open for reading only; write, truncate and sync then throw (default false). */
  readOnly?: boolean;
}

/** A FileHandle that can also be closed. */
export interface NodeFileHandle extends FileHandle {
  readonly path: string;
  close(): void;
}

/** Open @path as a FileHandle. Errors from fs (ENOENT, EACCES) are thrown as they are. */
export function openFileHandle(path: string, options: OpenFileOptions = {}): NodeFileHandle {
  const { create = false, readOnly = false, size } = options;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0))
    throw new RangeError(`openFileHandle size must be a non-negative integer (got ${String(size)})`);
  if (readOnly && (create || size !== undefined)) throw new TypeError('openFileHandle: readOnly excludes create and size');
  const flags = readOnly ? constants.O_RDONLY : constants.O_RDWR | (create ? constants.O_CREAT : 0);
  const fd = openSync(path, flags, 0o644);
  let length = fstatSync(fd).size;
  let open = true;
  const live = (): number => {
    if (!open) throw new Error(`${path}: file handle used after close()`);
    return fd;
  };
  const handle: NodeFileHandle = {
    path,
    get size() {
      return length;
    },
    read(dst, position) {
      const f = live();
      let done = 0;
      while (done < dst.length) {
        const n = readSync(f, dst, done, dst.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      dst.fill(0, done); // past the end of the file reads as zero
    },
    write(src, position) {
      const f = live();
      let done = 0;
      while (done < src.length) done += writeSync(f, src, done, src.length - done, position + done);
      length = Math.max(length, position + src.length);
    },
    truncate(n) {
      ftruncateSync(live(), n);
      length = n;
    },
    sync() {
      fsyncSync(live());
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
  if (size !== undefined && length < size) handle.truncate(size);
  return handle;
}
