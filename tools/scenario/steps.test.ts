// Stopping a request at a named phase: wait_for returns with the card exactly there.
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../include/linux/blkdev.h.ts';
import { BoardCards } from '../../init/board_cards.ts';
import { CardJournal } from '../../init/card_journal.ts';
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

describe('power_cut', () => {
  // A background write stopped as it starts programming: a reboot keeps it (the model drops the
  // card, whose programming would have gone on), a power cut gives every block its old bytes back.
  for (const step of ['reboot', 'power_cut'] as const) {
    it(`${step}: the write that was programming ${step === 'reboot' ? 'is on the media' : 'is undone'}`, async () => {
      const m = await boot_mmc_machine();
      const c = scenario_context_init(m, async () => {});
      const bdev = m.resolve(BLOCK).lookup_bdev('mmcblk0p2')!;
      await run_step(c, { do: 'io', cpu: 0, dev: 'mmcblk0p2', op: 'write', sector: 4096, blocks: 64, background: true });
      await run_step(c, { do: 'wait_for', phase: 'prg' });
      const journal = m.resolve(CardJournal).length;
      await run_step(c, { do: step });
      expect(c.m).not.toBe(m);
      expect(m.resolve(CardJournal).length).toBe(journal); // a rollback is no write the card received
      const data = new Uint8Array(64 * 512);
      c.m.storage.get('mmc_mock.0')!.user.read((bdev.start_sect + 4096) * 512, data);
      expect(data.some((b) => b !== 0)).toBe(step === 'reboot');
    });
  }
});
