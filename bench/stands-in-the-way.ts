// SPDX-License-Identifier: GPL-2.0
// For each target, what keeps it from being met, from profiling (bench/README.md has the
// figures): RESULTS.md quotes the text of every target the run missed.
export const STANDS_IN_THE_WAY = {
  exploration:
    'every point is a run of its own: two boots with their pstore mounts, the workload to the point, the panic, the verdict. ' +
    "A point cannot start from the previous point's machine: the simulated kernel's tasks are JavaScript async functions, and a suspended one cannot be copied, so a machine cannot be forked at a yield point. " +
    "0.2 ms a point needs that fork (the kernel's waits as explicit state that can be copied, or a process-level snapshot), and a next boot that does not redo enumeration; both are a redesign, not a fix. " +
    "Within today's design, a profile of S05 (after the fixes in bench/README.md) shows garbage collection at 25-27 %, most of it the promises and frames of the async calls each yield point, lock and register access makes (14 MB allocated a point), and the boots themselves (containers, enumeration, the partition scan, first touches of the 16 MiB DMA zone) at about half of a point.",
  io_adma2:
    "bursts move a whole 64 KiB ADMA2 descriptor in one step, straight from guest memory into the card (hw/sd/sdhci_burst.ts), and the card keeps the old bytes without copying them; what is left is per 512 KiB request: two copies (the bounce buffer into the DMA zone, the card's store), so 50 % at best with nothing else; about 30 register accesses through the MMIO dispatch, 8 clock events and 44 yield points; the interrupt, completion and runtime-PM paths: together about 60 µs a request once V8 has optimized them, against 23 µs for the two copies (measured: 9.6 µs the bounce, 13 µs the store, where a memcpy of the request takes 8.4 µs). 20 % leaves about 45 µs a request for all of it.",
  io_mock:
    "one copy is left each way (the card's store) and a request costs about 25 µs of machinery once optimized (block layer, mmc_blk, mmc core, completion, scheduler); the write's copy goes into recycled 64 KiB chunk buffers (the old ones stay with the card until programmed, for a power cut), which runs at about half the speed of the baseline's copy into one cache-hot 8 MiB array. 50 % leaves nothing for anything but the copy.",
  memory: 'the sparse store keeps every written 64 KiB chunk in memory, with its map.',
  panic_write: 'the variant polls and waits longer than the card needs.',
} as const;
