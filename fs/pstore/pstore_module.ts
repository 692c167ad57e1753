// SPDX-License-Identifier: GPL-2.0
// The pstore module (fs/pstore/platform.c pstore_init, inode.c pstore_init_fs): the core and
// the filesystem, with the pstore.* parameters.
import { register_service } from '../../include/linux/di.h.ts';
import type { module } from '../../include/linux/module.h.ts';
import { PSTORE, PSTORE_FRONTENDS, PSTOREFS } from '../../include/linux/pstore.h.ts';
import { PstoreFs } from './inode.ts';
import { PSTORE_PARAMS, PSTORE_PARAM_DECL, pstore_params_of } from './params.ts';
import { Pstore } from './platform.ts';

export const pstore: module = {
  name: 'pstore',
  params: PSTORE_PARAM_DECL,
  async module_init(c, params) {
    c.register(PSTORE_PARAMS, { useValue: pstore_params_of(params) });
    register_service(c, Pstore, [PSTORE, PSTORE_FRONTENDS]);
    register_service(c, PstoreFs, [PSTOREFS]);
    c.resolve(PstoreFs);
    return 0;
  },
};
