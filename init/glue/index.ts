// SPDX-License-Identifier: GPL-2.0
// Which glue attaches which board device type, with the JSON Schema of its description.
import type { DependencyContainer } from 'tsyringe';
import type { board_device } from '../board.ts';
import type { board_storage } from '../storage.ts';
import { MMC_MOCK_SCHEMA, attach_mmc_mock, type mmc_mock_device } from './mmc_mock.ts';
import { MMC_SERIAL_SCHEMA, attach_mmc_serial, type mmc_serial_device } from './mmc_serial.ts';
import { SDHCI_SCHEMA, attach_sdhci, type sdhci_device } from './sdhci.ts';

export interface glue {
  readonly schema: object;
  attach(c: DependencyContainer, dev: board_device, index: number, storage: board_storage): Promise<void>;
}

export const GLUE: Readonly<Record<string, glue>> = {
  mmc_mock: { schema: MMC_MOCK_SCHEMA, attach: (c, d, i, s) => attach_mmc_mock(c, d as mmc_mock_device, i, s) },
  mmc_serial: { schema: MMC_SERIAL_SCHEMA, attach: (c, d, i, s) => attach_mmc_serial(c, d as mmc_serial_device, i, s) },
  sdhci: { schema: SDHCI_SCHEMA, attach: (c, d, i, s) => attach_sdhci(c, d as sdhci_device, i, s) },
};

/** setup_arch(): every device of the board, in order. */
export const attach_board_devices = async (c: DependencyContainer, devices: readonly board_device[], storage: board_storage): Promise<void> => {
  for (const [i, dev] of devices.entries()) await GLUE[dev.type]!.attach(c, dev, i, storage);
};
