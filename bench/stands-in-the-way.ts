// SPDX-License-Identifier: GPL-2.0
// For each target, what keeps it from being met, from profiling (bench/README.md has the
// figures): RESULTS.md quotes the text of every target the run missed.
export const STANDS_IN_THE_WAY = {
  exploration:
    "every point is a run of its own, and the table under Exploration rate shows where its time goes: about nine tenths in the two boots and their pstore mounts (each mount's recovery reads every zone's header, 64 MMC requests of 512 bytes, as Linux's psz_kmsg_recover_meta reads them one by one), about 1 ms in the panic itself. " +
    '5,000 points/s is 0.2 ms a point, less than the panic alone: a machine forked at each yield point at no cost, with no next boot at all, would still stay below the bound that table gives. ' +
    "Such a fork is out of reach besides: the simulated kernel's tasks are JavaScript async functions (DESIGN.md), and a suspended one cannot be copied. " +
    'Meeting the target needs the team to restate it, or to change the execution model (the kernel\'s waits as state that can be copied) and make the panic path five times cheaper than it is with a yield at every register access. ' +
    "Within today's design, a profile of S05 shows garbage collection at 25-30 %, most of it the promises and frames of the async calls each yield point, lock and register access makes, and no source file above 5 % of a point besides it.",
  io_adma2:
    "a 512 KiB write reaches the card in one write when nothing else is due: the device reaches the request's buffer itself (the DMA mapping maps it, GuestRam.mapBuffer, no bounce copy) and a burst runs through the chained 64 KiB ADMA2 descriptors in one step (hw/sd/sdhci_burst.ts). " +
    "What is left, measured per request in a steady loop: 39-43 µs, of which 12-13 µs is the one copy left, into the card's store (recycled 64 KiB chunk buffers, in place about 40 GB/s against the baseline's 55-65), and about 21 µs fixed costs spread over some hundred functions, none above 1.3 µs: 31 register accesses through the MMIO dispatch, 45 yield points, 12 clock events, 10 lock takes, 3 interrupt contexts, the CMD13 after each write (as Linux's mmc_blk_busy_cb sends). " +
    'In the bench the first request of each pass costs 67-88 µs (caches cold after the read-back check). 20 % needs about 43 µs a request on average against the bench\'s memcpy; the read is at 30-38 %.',
  io_mock:
    "one copy is left each way (the card's store), about 10 µs a 512 KiB request in place, and a request's fixed cost is about 14 µs (a 4 KiB write takes 13.5-16 µs): block layer, mmc_blk with its CMD13 after each write, mmc core, completion, scheduler, 9 clock events. 50 % is 16-17 µs a request with the copy: the fixed cost would have to fall to a fifth, with no single function above 1 µs of it.",
  memory: 'the sparse store keeps every written 64 KiB chunk in memory, with its map.',
  panic_write: 'the variant polls and waits longer than the card needs.',
} as const;
