// SPDX-License-Identifier: GPL-2.0
// Board glue for a serial-line slot (our arch/ board file): the link to the bridge, opened by the
// tool that loaded the board, or "loop": the board's own card served in-process by the bridge's
// device end (tools/bridge/device.ts), journaled like any card, on a line of the given rate.
import type { DependencyContainer } from 'tsyringe';
import { SERIAL_LINKS, type mmc_serial_platform_data, type serial_link } from '../../include/linux/platform_data/mmc_serial.h.ts';
import { PLATFORM, type platform_api } from '../../include/linux/platform_device.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { LoopLink } from '../../lib/mmc_serial/loop_link.ts';
import { BridgeDevice } from '../../tools/bridge/device.ts';
import type { board_device } from '../board.ts';
import type { board_storage } from '../storage.ts';
import { CARD_SCHEMA, build_card, type card_description } from './card.ts';
import { caps_change, HOST_CAPS_PROPERTIES } from './host_caps.ts';

/** Line rate of a loop link unless the board says otherwise (a fast USB-serial bridge). */
export const LOOP_BAUD = 3_000_000;

export interface mmc_serial_device extends board_device {
  readonly type: 'mmc_serial';
  readonly id?: number;
  readonly irq?: number;
  /** "tcp:HOST:PORT", "serial:PATH?baud=N", or "loop". */
  readonly link: string;
  readonly host?: {
    readonly caps?: readonly string[];
    readonly caps_clear?: readonly string[];
    readonly caps2?: readonly string[];
    readonly caps2_clear?: readonly string[];
    readonly autosuspend_ms?: number;
    readonly reply_timeout_ms?: number;
    readonly retries?: number;
    /** Line rate of a loop link (a real link's comes from its URL). */
    readonly baud?: number;
  };
  /** The card a loop link serves (a real bridge has its own). */
  readonly card?: card_description;
}

export const MMC_SERIAL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'link'],
  properties: {
    type: { const: 'mmc_serial' },
    id: { type: 'integer', minimum: 0 },
    irq: { type: 'integer', minimum: 0, maximum: 1023 },
    link: { type: 'string', pattern: '^(loop|tcp:.+|serial:.+)$' },
    host: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...HOST_CAPS_PROPERTIES,
        reply_timeout_ms: { type: 'integer', minimum: 1, maximum: 60000 },
        retries: { type: 'integer', minimum: 0, maximum: 100 },
        baud: { type: 'integer', minimum: 1200 },
      },
    },
    card: CARD_SCHEMA,
  },
} as const;

/** The in-process bridge: its own clock (it answers at once; its busy waits cost the host nothing). */
const loop_link = (c: DependencyContainer, key: string, dev: mmc_serial_device, storage: board_storage): serial_link => {
  const machine = c.resolve(VirtualClock);
  const clock = new VirtualClock();
  const device = new BridgeDevice(build_card(c, key, dev.card ?? {}, storage, clock), clock);
  return new LoopLink((bytes) => {
    clock.advance_to(machine.now);
    return { replies: device.receive(bytes) };
  });
};

export const attach_mmc_serial = async (c: DependencyContainer, dev: mmc_serial_device, index: number, storage: board_storage): Promise<void> => {
  const id = dev.id ?? index;
  const key = `mmc_serial.${id}`;
  const h = dev.host ?? {};
  let link: { link: serial_link; baud: number };
  if (dev.link === 'loop') link = { link: loop_link(c, key, dev, storage), baud: h.baud ?? LOOP_BAUD };
  else if (c.isRegistered(SERIAL_LINKS)) link = c.resolve(SERIAL_LINKS).open(dev.link);
  else throw new Error(`${key}: link ${dev.link} must be opened by the tool that loaded the board`);
  const pdata: mmc_serial_platform_data = {
    ...link,
    ...caps_change(h),
    ...(h.autosuspend_ms !== undefined ? { autosuspend_ms: h.autosuspend_ms } : {}),
    ...(h.reply_timeout_ms !== undefined ? { reply_timeout_ms: h.reply_timeout_ms } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
  };
  await c.resolve<platform_api>(PLATFORM).platform_device_register({ name: 'mmc_serial', id, irq: dev.irq ?? 48 + id, platform_data: pdata });
};
