// Stopping a request at a named phase: wait_for returns with the card exactly there.
import { describe, expect, it } from 'vitest';
import { BoardCards } from '../../init/board_cards.ts';
import { boot_mmc_machine } from '../testing/mmc.ts';
import { boot_sdhci_machine } from '../testing/sdhci.ts';
import { run_step, scenario_context_init } from './steps.ts';

describe('wait_for', () => {
  for (const [host, boot] of [['mock', boot_mmc_machine], ['sdhci', boot_sdhci_machine]] as const) {
    it(`${host}: stops a background write after CMD23, in its data phase, and while the card is busy`, async () => {
      const m = await boot();
      const c = scenario_context_init(m, async () => {});
      const card = [...m.resolve(BoardCards).models.values()][0]!;
      await run_step(c, { do: 'io', cpu: 0, dev: 'mmcblk0p2', op: 'write', sector: 4096, blocks: 64, background: true });
      await run_step(c, { do: 'wait_for', phase: 'cmd23' });
      expect([card.blockCountPending, card.state]).toEqual([true, 'tran']);
      await run_step(c, { do: 'wait_for', phase: 'rcv' });
      expect([card.blockCountPending, card.state]).toEqual([false, 'rcv']);
      await run_step(c, { do: 'wait_for', phase: 'busy' });
      expect(card.busy).toBe(true);
      expect(c.in_flight.size).toBe(1);
      await expect(run_step(c, { do: 'wait_for', phase: 'sleep', timeout_ms: 50 })).rejects.toThrow(/wait_for: the card never reached sleep/);
    });
  }
});
