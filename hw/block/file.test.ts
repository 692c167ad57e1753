import { describe, expect, it } from 'vitest';
import type { FileHandle } from '../../include/hw/block.h.ts';
import { FileBackend } from './file.ts';

/** A FileHandle over a growable array that records the calls a FileBackend makes. */
const fakeFile = (initial = 0): FileHandle & { calls: string[]; bytes: Uint8Array } => {
  let bytes = new Uint8Array(initial);
  const calls: string[] = [];
  return {
    calls,
    get bytes() {
      return bytes;
    },
    get size() {
      return bytes.length;
    },
    read(dst, pos) {
      dst.fill(0);
      dst.set(bytes.subarray(pos, pos + dst.length));
    },
    write(src, pos) {
      calls.push(`write ${pos} ${src.length}`);
      if (pos + src.length > bytes.length) this.truncate(pos + src.length);
      bytes.set(src, pos);
    },
    truncate(n) {
      calls.push(`truncate ${n}`);
      const b = new Uint8Array(n);
      b.set(bytes.subarray(0, n));
      bytes = b;
    },
    sync() {
      calls.push('sync');
    },
  };
};

describe('FileBackend', () => {
  it('extends a short file with truncate and leaves a long one alone', () => {
    const f = fakeFile(512);
    const b = new FileBackend({ file: f, size: 8192 });
    expect(f.calls).toEqual(['truncate 8192']);
    expect(b.size).toBe(8192);
    const g = fakeFile(16384);
    expect(new FileBackend({ file: g, size: 8192 }).size).toBe(8192);
    expect(g.calls).toEqual([]);
    expect(new FileBackend({ file: fakeFile(4096) }).size).toBe(4096);
  });

  it('writes at the offset, syncs on flush, and range-checks against its own size', () => {
    const f = fakeFile(16384);
    const b = new FileBackend({ file: f, size: 8192 });
    b.write(1024, new Uint8Array([1, 2]));
    b.flush();
    expect(f.calls).toEqual(['write 1024 2', 'sync']);
    expect(f.bytes[1025]).toBe(2);
    expect(() => b.write(8192, new Uint8Array(1))).toThrow(RangeError);
    expect(() => new FileBackend({ file: fakeFile(1000) })).toThrow(/size/);
  });
});
