// SPDX-License-Identifier: GPL-2.0
// The scheduler's seeded pseudo-random source: mulberry32, tiny and fast, and the same
// sequence in every JS engine for the same 32-bit seed.
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
}

/** The seed of the boot after a boot with @seed (reboot keeps runs reproducible). */
export const derive_seed = (seed: number): number => new Rng(seed ^ 0x9e3779b9).next();
