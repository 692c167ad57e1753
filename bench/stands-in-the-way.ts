// SPDX-License-Identifier: GPL-2.0
// For each target, what keeps it from being met, from profiling (bench/README.md has the
// figures): RESULTS.md quotes the text of every target the run missed.
export const STANDS_IN_THE_WAY = {
  exploration:
    'every point is a run of its own: two boots with their pstore mounts, the workload to the point, the panic, the verdict. ' +
    "A point cannot start from the previous point's machine: the simulated kernel's tasks are JavaScript async functions, and a suspended one cannot be copied, so a machine cannot be forked at a yield point. " +
    "0.2 ms a point needs that fork (the kernel's waits as explicit state that can be copied, or a process-level snapshot), and a next boot that does not redo enumeration; both are a redesign, not a fix. " +
    "Within today's design, a profile of S05 shows garbage collection at 21 %, CONFIG_DEBUG_SPINLOCK's stack capture at every lock taken (3,261 a point) at 12-20 %, and psz_init_zone's 0xff-filled zone buffers at 8 %.",
  io_adma2:
    "bursts move a whole 64 KiB ADMA2 descriptor in one step, straight from guest memory into the card (hw/sd/sdhci_burst.ts), and the card keeps the old bytes without copying them; what is left is per 512 KiB request: two copies (the bounce buffer into the DMA zone, the card's store), so 50 % at best with nothing else; about 30 register accesses through the MMIO dispatch, 8 clock events and 44 yield points; the interrupt, completion and runtime-PM paths; and CONFIG_DEBUG_SPINLOCK's stack capture at each of the request's 10 lock takes (about 9 % of a request). 20 % leaves about 45 µs a request for all of it.",
  io_mock:
    "one copy is left each way (the card's store) and a request costs about 20 µs of machinery once optimized (block layer, mmc_blk, mmc core, completion, scheduler, 2 lock takes with CONFIG_DEBUG_SPINLOCK's stack capture each); the write's copy goes into recycled 64 KiB chunk buffers (the old ones stay with the card until programmed, for a power cut), which runs at about half the speed of the baseline's copy into one cache-hot 8 MiB array. 50 % leaves nothing for anything but the copy.",
  memory: 'the sparse store keeps every written 64 KiB chunk in memory, with its map.',
  panic_write: 'the variant polls and waits longer than the card needs.',
} as const;
