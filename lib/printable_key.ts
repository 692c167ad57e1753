// SPDX-License-Identifier: GPL-2.0
// A key of a user's JSON (config, board, scenario) as an error message shows it.

/**
 * As given when it is printable ASCII; else quoted as JSON, with the control characters JSON
 * leaves raw (DEL, C1) escaped too: a newline in a key split its message over two lines, the
 * second not prefixed by the tool's name (fuzzing found it).
 */
export const printable_key = (key: string): string =>
  /^[\x20-\x7e]*$/.test(key) ? key : JSON.stringify(key).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
