import { describe, expect, it } from 'vitest';
import { fillRange } from './fill.ts';
import { MemoryBackend } from './memory.ts';
import { OverlayBackend } from './overlay.ts';

const pattern = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff);

describe('OverlayBackend', () => {
  it('never writes the base and merges sector by sector', () => {
    const image = pattern(64 * 1024, 1);
    const pristine = image.slice();
    const o = new OverlayBackend({ base: new MemoryBackend(image), chunkBytes: 8192 });
    // Sectors 3 and 5 written, sector 4 left to the base.
    o.write(3 * 512, new Uint8Array(512).fill(0xa3));
    o.write(5 * 512, new Uint8Array(512).fill(0xa5));
    expect(image).toEqual(pristine);
    const out = new Uint8Array(4 * 512);
    o.read(2 * 512, out);
    expect(out.subarray(0, 512)).toEqual(pristine.subarray(1024, 1536));
    expect(out.subarray(512, 1024).every((b) => b === 0xa3)).toBe(true);
    expect(out.subarray(1024, 1536)).toEqual(pristine.subarray(2048, 2560));
    expect(out.subarray(1536).every((b) => b === 0xa5)).toBe(true);
  });

  it('copies a partly written sector up from the base first', () => {
    const image = pattern(16 * 1024, 9);
    const o = new OverlayBackend({ base: new MemoryBackend(image.slice()) });
    o.write(1000, new Uint8Array([1, 2, 3])); // inside sector 1
    const s1 = new Uint8Array(512);
    o.read(512, s1);
    const want = image.slice(512, 1024);
    want.set([1, 2, 3], 1000 - 512);
    expect(s1).toEqual(want);
    // A read at an odd offset across the boundary of overlay and base.
    const odd = new Uint8Array(1000);
    o.read(700, odd);
    const expected = image.slice(700, 1700);
    expected.set([1, 2, 3], 300);
    expect(odd).toEqual(expected);
  });

  it('fills whole chunks without buffers and reset() restores the base', () => {
    const image = pattern(256 * 1024, 3);
    const o = new OverlayBackend({ base: new MemoryBackend(image.slice()), chunkBytes: 64 * 1024 });
    fillRange(o, 0, 128 * 1024, 0xff);
    expect(o.allocatedBytes).toBe(0);
    o.fill(128 * 1024 + 512, 512, 0);
    expect(o.allocatedBytes).toBe(64 * 1024);
    const b = new Uint8Array(2048);
    o.read(128 * 1024 - 512, b);
    expect(b.subarray(0, 512).every((x) => x === 0xff)).toBe(true);
    expect(b.subarray(512, 1024)).toEqual(image.subarray(128 * 1024, 128 * 1024 + 512));
    expect(b.subarray(1024, 1536).every((x) => x === 0)).toBe(true);
    o.reset();
    o.read(0, b);
    expect(b).toEqual(image.subarray(0, 2048));
  });
});
