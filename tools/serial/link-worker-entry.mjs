// SPDX-License-Identifier: GPL-2.0
// The thread behind open_link: TypeScript through tsx with the repo's tsconfig, then the worker.
import { register } from 'tsx/esm/api';
register({ tsconfig: new URL('../../tsconfig.json', import.meta.url).pathname });
await import('./link_worker.ts');
