// SPDX-License-Identifier: GPL-2.0
// Board data of the request-level mock host (ours, in the style of include/linux/platform_data):
// the card it talks to, its capabilities, and faults to inject.
import type { SdCard } from '../../hw/sd.h.ts';
import type { mmc_caps_change } from '../mmc/host.h.ts';

/** One injected fault: which requests it hits and what goes wrong. */
export interface mmc_mock_fault {
  /**
   * cmd_timeout: the card never sees the command (no response, -ETIMEDOUT).
   * cmd_crc: the card executes it but the response is corrupt (-EILSEQ); a data phase is aborted.
   * data_crc: the data phase completes with a CRC error (-EILSEQ); written data is not accepted.
   * data_timeout: the data phase never completes (-ETIMEDOUT).
   * stuck_busy: DAT0 stays low after the request, and CMD13 reports programming, for @busy_ns
   *   (default: until the card is powered off).
   * lost_completion: the request completes but its interrupt never fires.
   */
  readonly kind: 'cmd_timeout' | 'cmd_crc' | 'data_crc' | 'data_timeout' | 'stuck_busy' | 'lost_completion';
  /** Only requests whose main command has this opcode; any when absent. */
  readonly opcode?: number;
  /** Matching requests to let through before the fault starts (default 0). */
  readonly skip?: number;
  /** How many matching requests it hits (default 1; Infinity for all). */
  readonly count?: number;
  readonly busy_ns?: number;
}

/** The board's capability changes (mmc_caps_change) go on top of the mock's defaults. */
export interface mmc_mock_platform_data extends mmc_caps_change {
  readonly card: SdCard;
  /** Highest bus clock, Hz (default 200 MHz). */
  readonly f_max?: number;
  /** Fixed controller overhead per command, ns (default 1000). */
  readonly command_overhead_ns?: number;
  readonly faults?: readonly mmc_mock_fault[];
  /** Runtime-PM autosuspend delay of the controller, ms (default 50). */
  readonly autosuspend_ms?: number;
}
