// SPDX-License-Identifier: GPL-2.0
// ->set_ios() over the mmc_serial link: card power through POWER (when the bridge can switch it),
// clock, bus width, timing and power mode through SET_IOS, each sent only when it changed.
import {
  MMC_BUS_WIDTH_4,
  MMC_BUS_WIDTH_8,
  MMC_POWER_OFF,
  MMC_POWER_ON,
  MMC_TIMING_MMC_DDR52,
  MMC_TIMING_MMC_HS,
  MMC_TIMING_MMC_HS200,
  MMC_TIMING_MMC_HS400,
  MMC_TIMING_SD_HS,
  type mmc_ios,
} from '../../../include/linux/mmc/host.h.ts';
import {
  CAP_POWER_CYCLE,
  POWER_OFF,
  POWER_ON,
  TIMING_LEGACY,
  TIMING_MMC_DDR52,
  TIMING_MMC_HS,
  TIMING_MMC_HS200,
  TIMING_MMC_HS400,
  TIMING_SD_HS,
} from '../../../lib/mmc_serial/messages.ts';
import type { mmc_serial_session } from './mmc_serial_session.ts';

/** The bus as the bridge was last told. */
export interface serial_ios {
  readonly powered: boolean;
  readonly clock_hz: number;
  readonly bus_width: number;
  readonly timing: number;
  readonly power_mode: number;
}

const TIMING: Readonly<Record<number, number>> = {
  [MMC_TIMING_MMC_HS]: TIMING_MMC_HS,
  [MMC_TIMING_SD_HS]: TIMING_SD_HS,
  [MMC_TIMING_MMC_DDR52]: TIMING_MMC_DDR52,
  [MMC_TIMING_MMC_HS200]: TIMING_MMC_HS200,
  [MMC_TIMING_MMC_HS400]: TIMING_MMC_HS400,
};

const wanted = (ios: mmc_ios): serial_ios => ({
  powered: ios.power_mode !== MMC_POWER_OFF,
  clock_hz: ios.clock,
  bus_width: ios.bus_width === MMC_BUS_WIDTH_8 ? 8 : ios.bus_width === MMC_BUS_WIDTH_4 ? 4 : 1,
  timing: TIMING[ios.timing] ?? TIMING_LEGACY,
  power_mode: Math.min(ios.power_mode, MMC_POWER_ON),
});

/** Tell the bridge what changed since @last; what it now holds (kept as @last on error). */
export const serial_set_ios = (s: mmc_serial_session, last: serial_ios | null, ios: mmc_ios) => {
  const want = wanted(ios);
  let wire_bytes = 0;
  let waited_ms = 0;
  const fail = (err: number) => ({ ios: last, err, wire_bytes, waited_ms });
  const can_switch = ((s.device?.caps ?? 0) & CAP_POWER_CYCLE) !== 0;
  if (want.powered !== last?.powered && (want.powered || can_switch)) {
    const ex = s.transact({ type: 'power', op: want.powered ? POWER_ON : POWER_OFF });
    wire_bytes += ex.wire_bytes;
    waited_ms += ex.waited_ms;
    if (ex.err) return fail(ex.err);
  }
  const same = last && last.clock_hz === want.clock_hz && last.bus_width === want.bus_width && last.timing === want.timing && last.power_mode === want.power_mode;
  if (!same) {
    const { powered: _, ...fields } = want;
    const ex = s.transact({ type: 'set_ios', ...fields });
    wire_bytes += ex.wire_bytes;
    waited_ms += ex.waited_ms;
    if (ex.err) return fail(ex.err);
  }
  return { ios: want as serial_ios | null, err: 0, wire_bytes, waited_ms };
};
