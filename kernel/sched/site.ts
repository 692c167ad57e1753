// SPDX-License-Identifier: GPL-2.0
// Call sites for reports: Linux prints _RET_IP_ as "function+off/size"; we name the calling
// function and its source line, read from a JS stack trace. Only used off the hot path
// (reports, and lock owners under CONFIG_DEBUG_SPINLOCK).

/** Frames inside the simulated kernel's own machinery are not the call site a reader wants. */
const MACHINERY = /[/\\](kernel[/\\](sched|locking|time|irq)[/\\]|kernel[/\\]bug\.ts|kernel[/\\]panic\.ts)|node:internal|node_modules/;
const internal = (frame: string): boolean => MACHINERY.test(frame) && !frame.includes('.test.ts');

/** Turn one V8 frame line into "fn (dir/file.ts:line)". */
const frame_name = (line: string): string => {
  const m = /at (?:async )?(?:(\S+) \()?(?:file:\/\/)?(.*?):(\d+):\d+\)?$/.exec(line.trim());
  if (!m) return line.trim();
  const fn = (m[1] ?? '<anonymous>').replace(/^.*\./, '');
  const file = m[2]!.replace(/^.*?[/\\](?=(include|kernel|drivers|fs|hw|init|tools|scripts)[/\\])/, '');
  return `${fn} (${file}:${m[3]})`;
};

/** A captured stack, formatted only when a report needs it. */
export type site_token = Error;

export const capture_site = (): site_token => new Error();

/** The first frame of @token outside the kernel's machinery, "fn (file:line)". */
export const site_of = (token: site_token): string => {
  const lines = (token.stack ?? '').split('\n').slice(1);
  const outside = lines.find((l) => !internal(l));
  return outside ? frame_name(outside) : lines.length ? frame_name(lines[lines.length - 1]!) : '<unknown>';
};

/** The caller of the kernel function that calls this, skipping @skip extra frames. */
export const caller_site = (skip = 0): string => {
  const lines = (new Error().stack ?? '').split('\n').slice(2 + skip);
  const outside = lines.find((l) => !internal(l));
  return outside ? frame_name(outside) : '<unknown>';
};
