// SPDX-License-Identifier: GPL-2.0
// npx tsx examples/embed-sdhci/main.ts: run the embedding example and say what the guest saw.
import { run_example } from './run.ts';

const r = run_example();
console.log(`card:                  ${r.product}`);
console.log(`block 0, read by SDMA: ${r.block0}`);
console.log(`block 1, on the media: ${r.block1}`);
console.log(`block 0, after restore: ${r.block0_after_restore}`);
console.log(`${r.interrupts} interrupts, ${(r.elapsed_ns / 1e6).toFixed(3)} ms of emulated time`);
