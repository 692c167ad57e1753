// SPDX-License-Identifier: GPL-2.0
// Kconfig's three-valued logic. Models: scripts/kconfig/expr.h (enum tristate, EXPR_AND/OR/NOT).
import type { tristate } from '../../include/linux/kconfig.h.ts';

/** n < m < y as 0 < 1 < 2, so && is min, || is max and ! is 2 - x. */
export type tri = 0 | 1 | 2;

export const N: tri = 0;
export const M: tri = 1;
export const Y: tri = 2;

const NAMES = ['n', 'm', 'y'] as const;

export const tri_of = (t: tristate): tri => (t === 'y' ? Y : t === 'm' ? M : N);
export const tri_name = (t: tri): tristate => NAMES[t];
export const tri_and = (a: tri, b: tri): tri => (a < b ? a : b);
export const tri_or = (a: tri, b: tri): tri => (a > b ? a : b);
export const tri_not = (a: tri): tri => (2 - a) as tri;
