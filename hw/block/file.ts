// SPDX-License-Identifier: GPL-2.0
// A backing store in a file, through the FileHandle of include/hw/block.h.ts (Node's fs in
// tools/lib/node-file.ts, OPFS or anything else in a browser). A new or short file is grown with
// truncate(), which leaves a hole, so a 256 GiB card costs disk space only for what is written.
// Writes go to the handle at once; flush() is what makes them durable (fsync), which is what a
// reboot in a later process relies on.
import type { BlockBackend, FileHandle } from '../../include/hw/block.h.ts';
import { checkRange, checkSize } from './range.ts';

export interface FileBackendOptions {
  file: FileHandle;
  /**
   * Size of the store in bytes (a multiple of 512). A shorter file is extended to it; a longer
   * one keeps its tail, which the store never touches. Default: the file's size.
   */
  size?: number;
}

/** A BlockBackend in a file, through the embedder's FileHandle (Node fs, OPFS, ...). */
export class FileBackend implements BlockBackend {
  readonly size: number;
  private readonly file: FileHandle;

  constructor(options: FileBackendOptions) {
    const { file } = options;
    if (!file || typeof file.read !== 'function' || typeof file.write !== 'function')
      throw new TypeError('FileBackend file must be a FileHandle');
    this.file = file;
    this.size = checkSize('FileBackend size', options.size ?? file.size);
    if (file.size < this.size) file.truncate(this.size);
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this.size, offset, dst.length);
    this.file.read(dst, offset);
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this.size, offset, src.length);
    this.file.write(src, offset);
  }

  flush(): void {
    this.file.sync();
  }
}
