// SPDX-License-Identifier: GPL-2.0
// Interrupt handlers (linux/interrupt.h, linux/irqreturn.h). Lines are level-triggered: a
// handler runs as a hardirq frame on the line's CPU while the line is high and the CPU has
// interrupts on; a threaded handler's second half runs in its own kernel thread.
import { define_token } from './di.h.ts';

export const IRQ_NONE = 0;
export const IRQ_HANDLED = 1;
export const IRQ_WAKE_THREAD = 2;
export type irqreturn_t = typeof IRQ_NONE | typeof IRQ_HANDLED | typeof IRQ_WAKE_THREAD;

export const IRQF_SHARED = 0x00000080;
/** Keep the line masked until the threaded handler has run. */
export const IRQF_ONESHOT = 0x00002000;

export type irq_handler_t = (irq: number, dev_id: unknown) => Promise<irqreturn_t> | irqreturn_t;

export interface irq_api {
  /** 0, or -EBUSY if the line is taken without IRQF_SHARED on both sides. Context: may sleep. */
  request_irq(irq: number, handler: irq_handler_t, flags: number, name: string, dev_id: unknown): number;
  request_threaded_irq(
    irq: number,
    handler: irq_handler_t | null,
    thread_fn: irq_handler_t | null,
    flags: number,
    name: string,
    dev_id: unknown,
  ): number;
  free_irq(irq: number, dev_id: unknown): void;
  /** Mask the line (nested); disable_irq also waits for a running handler. */
  disable_irq_nosync(irq: number): void;
  disable_irq(irq: number): Promise<void>;
  enable_irq(irq: number): void;
  /** Route the line to @cpu (default CPU 0). */
  irq_set_affinity(irq: number, cpu: number): number;
  /** Wait until no handler of @irq is running. */
  synchronize_irq(irq: number): Promise<void>;
  /** The device side, for board glue: drive the line's level. Context: any (device models). */
  irq_set_level(irq: number, level: boolean): void;
}
export const IRQ = define_token<irq_api>('linux/interrupt#irq_api');
