// SPDX-License-Identifier: GPL-2.0
// "Did you mean ...?" for a misspelt symbol. Our addition; Kconfig just warns and ignores it.

/** Edit distance (insert, delete, substitute), stopping early above @max. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** suggest_symbol() - the closest known name within a few edits, or undefined. */
export function suggest_symbol(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toUpperCase();
  const max = Math.max(1, Math.min(3, Math.floor(wanted.length / 4)));
  let best: string | undefined;
  let best_d = max + 1;
  for (const k of known) {
    const d = distance(wanted, k, max);
    if (d < best_d) {
      best = k;
      best_d = d;
    }
  }
  return best;
}
