// SPDX-License-Identifier: GPL-2.0
// For each target, what keeps it from being met, from profiling (bench/README.md has the
// figures): RESULTS.md quotes the text of every target the run missed.
export const STANDS_IN_THE_WAY = {
  exploration:
    'every point is a run of its own, and two boots with their pstore mounts are ~90 % of it (S05, 24 ms a point: first boot and mount 10.5 ms, workload and panic 2.5 ms, next boot 6.6 ms, its mount 4.6 ms). ' +
    "A point cannot start from the previous point's machine: the simulated kernel's tasks are JavaScript async functions, and a suspended one cannot be copied, so a machine cannot be forked at a yield point. " +
    '0.2 ms a point needs that fork (the kernel\'s waits as explicit state that can be copied, or a process-level snapshot), and a next boot that does not redo enumeration; both are a redesign, not a fix.',
  io_adma2:
    'the SDHCI model moves one 512-byte block per virtual-time event (its bus time, DAT0 busy, the card\'s state per block), and each event goes through the clock queue and the scheduler; the bytes are copied four times (bounce buffer into the DMA zone, ADMA fetch into the controller buffer, the card, the sparse store).',
  io_mock:
    'the mock host hands each request to the card model whole, but the block layer, mmc_blk and the card still copy the data three times (bio to request, card to sparse store, and back), and every request pays the scheduler and completion machinery.',
  memory: 'the sparse store keeps every written 64 KiB chunk in memory, with its map.',
  panic_write: 'the variant polls and waits longer than the card needs.',
} as const;
