// SPDX-License-Identifier: GPL-2.0
// Wiring for pstore/zone tests: a PstoreZone in a child of a machine's container, over a fake
// pstore core that keeps the backend pstore/zone registers.
import type { DependencyContainer } from 'tsyringe';
import { register_service } from '../../../include/linux/di.h.ts';
import { PSTORE } from '../../../include/linux/pstore.h.ts';
import { PSTORE_ZONE, type pstore_zone_api } from '../../../include/linux/pstore_zone.h.ts';
import { PstoreZone } from '../zone.ts';
import { FakePstore } from './fake_pstore.ts';

export const psz_attach = (machine: DependencyContainer): { core: FakePstore; zone: pstore_zone_api } => {
  const c = machine.createChildContainer();
  const core = new FakePstore();
  c.register(PSTORE, { useValue: core });
  register_service(c, PstoreZone, [PSTORE_ZONE]);
  return { core, zone: c.resolve(PSTORE_ZONE) };
};
