// SPDX-License-Identifier: GPL-2.0
// An error carrying every message, for callers that prefer throwing to a result object.
// Models the way scripts/kconfig/conf.c reports all problems before giving up.

export class KconfigError extends Error {
  /** Every problem found, one per entry, each naming the symbol and the reason. */
  readonly messages: readonly string[];

  constructor(messages: readonly string[]) {
    super(messages.join('\n'));
    this.name = 'KconfigError';
    this.messages = messages;
  }
}
