// SPDX-License-Identifier: GPL-2.0
// Board glue for a mock-host slot (our arch/ board file): builds the eMMC card model on the
// slot's backing stores (init/glue/card.ts) and registers the platform device the mmc_mock
// driver binds to.
import type { DependencyContainer } from 'tsyringe';
import { caps_change, HOST_CAPS_PROPERTIES } from './host_caps.ts';
import type { mmc_mock_fault, mmc_mock_platform_data } from '../../include/linux/platform_data/mmc_mock.h.ts';
import { PLATFORM, type platform_api } from '../../include/linux/platform_device.h.ts';
import type { board_device } from '../board.ts';
import type { board_storage } from '../storage.ts';
import { CARD_SCHEMA, build_card, type card_description } from './card.ts';

export { CARD_SCHEMA, card_stores, type card_description } from './card.ts';

export interface mmc_mock_device extends board_device {
  readonly type: 'mmc_mock';
  readonly id?: number;
  readonly irq?: number;
  readonly host?: {
    readonly caps?: readonly string[];
    readonly caps_clear?: readonly string[];
    readonly caps2?: readonly string[];
    readonly caps2_clear?: readonly string[];
    readonly f_max?: number;
    readonly autosuspend_ms?: number;
    readonly faults?: readonly mmc_mock_fault[];
  };
  readonly card: card_description;
}


export const MMC_MOCK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'card'],
  properties: {
    type: { const: 'mmc_mock' },
    id: { type: 'integer', minimum: 0 },
    irq: { type: 'integer', minimum: 0, maximum: 1023 },
    host: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...HOST_CAPS_PROPERTIES,
        f_max: { type: 'integer', minimum: 400000 },
        faults: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['kind'],
            properties: {
              kind: { enum: ['cmd_timeout', 'cmd_crc', 'data_crc', 'data_timeout', 'stuck_busy', 'lost_completion'] },
              opcode: { type: 'integer', minimum: 0, maximum: 63 },
              skip: { type: 'integer', minimum: 0 },
              count: { type: 'integer', minimum: 1 },
              busy_ns: { type: 'integer', minimum: 0 },
            },
          },
        },
      },
    },
    card: CARD_SCHEMA,
  },
} as const;


export const attach_mmc_mock = async (c: DependencyContainer, dev: mmc_mock_device, index: number, storage: board_storage): Promise<void> => {
  const id = dev.id ?? index;
  const key = `mmc_mock.${id}`;
  const card = build_card(c, key, dev.card, storage);
  const h = dev.host ?? {};
  const pdata: mmc_mock_platform_data = {
    card,
    ...caps_change(h),
    ...(h.f_max !== undefined ? { f_max: h.f_max } : {}),
    ...(h.autosuspend_ms !== undefined ? { autosuspend_ms: h.autosuspend_ms } : {}),
    ...(h.faults ? { faults: h.faults } : {}),
  };
  await c.resolve<platform_api>(PLATFORM).platform_device_register({ name: 'mmc_mock', id, irq: dev.irq ?? 40 + id, platform_data: pdata });
};
