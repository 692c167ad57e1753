// mmcpstore end to end on the SDHCI host, as on the mock host: a panic on CPU1 goes through
// panic_write and the next boot's pstore filesystem shows the dmesg, pmsg and console records;
// in every data mode, with Auto-CMD23 and with CMD23 by hand. The series (v5) only where the
// research expects it to work: ADMA2 with Auto-CMD23 (by hand is S7, PIO is S8).
import { describe, expect, it } from 'vitest';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { crash, expect_crash_records, mmcpstore_of, pstore_ready } from '../../mmcpstore.ts';
import { SDHCI_MODES, boot_sdhci_pstore_machine } from '../../sdhci.ts';

const RUNS: Array<[variant: string, mode: string, manual: boolean]> = [
  ...Object.keys(SDHCI_MODES).flatMap((mode) => [false, true].filter((manual) => mode !== 'SDMA' || manual).map((manual): [string, string, boolean] => ['proposed', mode, manual])),
  ['v5', 'ADMA2-64', false],
  ['v5', 'ADMA2-32', false],
];

describe('mmcpstore end to end on the sdhci host', () => {
  for (const [variant, mode, manual] of RUNS) {
    it(`${variant}, ${mode}, ${manual ? 'CMD23 by hand' : 'Auto-CMD23'}: the records come back after a reboot`, async () => {
      const board = SDHCI_MODES[mode]!;
      const quirks = [...(board.host.quirks ?? []), ...(manual ? (['NO_AUTO_CMD23'] as const) : [])];
      const m = await boot_sdhci_pstore_machine({ variant, controller: board.controller, host: { ...board.host, quirks } });
      expect(mmcpstore_of(m).state).toBe('READY');
      await crash(m, 'first');
      expect(m.halted).toBe('panic');
      const panics = mmcpstore_of(m).panic_log;
      expect(panics.length).toBeGreaterThan(0);
      for (const p of panics) expect(p.ret).toBe(p.size);

      expect_crash_records((await pstore_ready(await m.reboot())).resolve(PSTOREFS), 'first');
    }, 30_000);
  }
});
