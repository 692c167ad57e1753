// SPDX-License-Identifier: GPL-2.0
// Runtime PM (drivers/base/power/runtime.c): usage and child counts, resume of the parent
// before the child, idle → suspend, autosuspend after last_busy + delay on the virtual clock,
// asynchronous requests through the pm workqueue. Callbacks run in process context.
// Autosuspend is due on the first jiffy at or after last_busy + delay (Linux arms an hrtimer
// there with 25% slack; a timer_list keeps it on the tick like the rest of the model).
import { inject, injectable } from 'tsyringe';
import { DEVICE, type device, type device_api } from '../../../include/linux/device.h.ts';
import { EACCES, EAGAIN, EBUSY, EINVAL } from '../../../include/linux/errno.h.ts';
import { CLOCK, NSEC_PER_MSEC, type clock_api } from '../../../include/linux/ktime.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import type { pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { SCHED, type sched_api } from '../../../include/linux/sched.h.ts';
import { TIMER, type timer_api, type timer_list } from '../../../include/linux/timer.h.ts';
import { WAIT, type wait_api, type wait_queue_head_t } from '../../../include/linux/wait.h.ts';
import { WORKQUEUE, type work_struct, type workqueue_api, type workqueue_struct } from '../../../include/linux/workqueue.h.ts';

const RPM_ASYNC = 0x01;
const RPM_AUTO = 0x08;

/** Per-device machinery Linux keeps in dev_pm_info beside the counters. */
interface rpm_private {
  readonly timer: timer_list;
  readonly work: work_struct;
  request: 'idle' | 'suspend' | 'autosuspend' | null;
  readonly wait: wait_queue_head_t;
}

@injectable()
export class RuntimePm implements pm_runtime_api {
  private readonly priv = new WeakMap<device, rpm_private>();
  private readonly pm_wq: workqueue_struct;

  constructor(
    @inject(CLOCK) private readonly clock: clock_api,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
    @inject(TIMER) private readonly timers: timer_api,
    @inject(WORKQUEUE) private readonly wq: workqueue_api,
    @inject(WAIT) private readonly wait: wait_api,
    @inject(SCHED) private readonly sched: sched_api,
    @inject(DEVICE) private readonly devices: device_api,
  ) {
    this.pm_wq = wq.alloc_workqueue('pm');
  }

  // ---- API ------------------------------------------------------------------------------

  pm_runtime_enable(dev: device): void {
    if (dev.power.disable_depth > 0) dev.power.disable_depth--;
    else this.devices.dev_warn(dev, 'Unbalanced pm_runtime_enable!');
  }

  async pm_runtime_disable(dev: device): Promise<void> {
    dev.power.disable_depth++;
    this.cancel_pending(dev);
    await this.wait_stable(dev);
  }

  pm_runtime_set_active(dev: device): number {
    return this.set_status(dev, 'active');
  }

  pm_runtime_set_suspended(dev: device): number {
    return this.set_status(dev, 'suspended');
  }

  async pm_runtime_get_sync(dev: device): Promise<number> {
    dev.power.usage_count++;
    return this.rpm_resume(dev);
  }

  async pm_runtime_resume_and_get(dev: device): Promise<number> {
    const ret = await this.pm_runtime_get_sync(dev);
    if (ret < 0) {
      this.pm_runtime_put_noidle(dev);
      return ret;
    }
    return 0;
  }

  pm_runtime_get_noresume(dev: device): void {
    dev.power.usage_count++;
  }

  pm_runtime_put_noidle(dev: device): void {
    if (dev.power.usage_count > 0) dev.power.usage_count--;
  }

  pm_runtime_put(dev: device): number {
    const left = this.drop(dev);
    return left ? Math.min(left, 0) : this.rpm_idle_async(dev);
  }

  async pm_runtime_put_sync(dev: device): Promise<number> {
    const left = this.drop(dev);
    return left ? Math.min(left, 0) : this.rpm_idle(dev, 0);
  }

  pm_runtime_put_autosuspend(dev: device): number {
    const left = this.drop(dev);
    if (left) return Math.min(left, 0);
    const ret = this.suspend_prologue(dev, RPM_ASYNC | RPM_AUTO);
    return ret ?? this.request(dev, 'autosuspend');
  }

  pm_runtime_mark_last_busy(dev: device): void {
    dev.power.last_busy = this.clock.now;
  }

  pm_runtime_use_autosuspend(dev: device): void {
    dev.power.use_autosuspend = true;
  }

  pm_runtime_dont_use_autosuspend(dev: device): void {
    dev.power.use_autosuspend = false;
  }

  pm_runtime_set_autosuspend_delay(dev: device, ms: number): void {
    dev.power.autosuspend_delay = ms;
  }

  pm_runtime_irq_safe(dev: device): void {
    dev.power.irq_safe = true;
  }

  pm_runtime_resume(dev: device): Promise<number> {
    return this.rpm_resume(dev);
  }

  pm_runtime_suspend(dev: device): Promise<number> {
    return this.rpm_suspend(dev, 0);
  }

  pm_runtime_suspended(dev: device): boolean {
    return dev.power.runtime_status === 'suspended' && dev.power.disable_depth === 0;
  }

  pm_runtime_active(dev: device): boolean {
    return dev.power.runtime_status === 'active' || dev.power.disable_depth > 0;
  }

  pm_runtime_enabled(dev: device): boolean {
    return dev.power.disable_depth === 0;
  }

  // ---- the state machine ----------------------------------------------------------------

  private p(dev: device): rpm_private {
    let p = this.priv.get(dev);
    if (!p) {
      const timer = this.timers.timer_setup(() => this.autosuspend_timer(dev), 'pm_suspend_timer_fn');
      const work = this.wq.INIT_WORK(() => this.pm_runtime_work(dev));
      p = { timer, work, request: null, wait: this.wait.init_waitqueue_head(`${dev.name}.power.wait_queue`) };
      this.priv.set(dev, p);
    }
    return p;
  }

  /** rpm_drop_usage_count(): the count left, or -EINVAL (and a warning) on underflow. */
  private drop(dev: device): number {
    if (dev.power.usage_count <= 0) {
      this.devices.dev_warn(dev, 'Runtime PM usage count underflow!');
      dev.power.usage_count = 0;
      return -EINVAL;
    }
    return --dev.power.usage_count;
  }

  /**
   * __pm_runtime_set_status(): allowed while runtime PM is disabled, or to recover from a
   * runtime_error (which it clears) while enabled.
   */
  private set_status(dev: device, status: 'active' | 'suspended'): number {
    if (dev.power.disable_depth === 0 && !dev.power.runtime_error) return -EAGAIN;
    const parent = dev.parent;
    if (parent && dev.power.runtime_status !== status) {
      if (status === 'active') parent.power.child_count++;
      else if (parent.power.child_count > 0) parent.power.child_count--;
    }
    dev.power.runtime_status = status;
    dev.power.runtime_error = 0;
    return 0;
  }

  /** rpm_check_suspend_allowed(). */
  private suspend_allowed(dev: device): number {
    const pw = dev.power;
    if (pw.runtime_error) return -EINVAL;
    if (pw.disable_depth > 0) return -EACCES;
    if (pw.usage_count > 0) return -EAGAIN;
    if (!pw.ignore_children && pw.child_count > 0) return -EBUSY;
    return 0;
  }

  /** rpm_idle(dev, RPM_ASYNC): the checks now, the idle callback later from pm_wq. */
  private rpm_idle_async(dev: device): number {
    const err = this.suspend_allowed(dev);
    if (err) return err;
    if (dev.power.runtime_status !== 'active') return -EAGAIN;
    return this.request(dev, 'idle');
  }

  private async rpm_idle(dev: device, flags: number): Promise<number> {
    if (flags & RPM_ASYNC) return this.rpm_idle_async(dev);
    const err = this.suspend_allowed(dev);
    if (err) return err;
    if (dev.power.runtime_status !== 'active') return -EAGAIN;
    const veto = (await dev.pm?.runtime_idle?.(dev)) ?? 0;
    return veto ? veto : this.rpm_suspend(dev, flags | RPM_AUTO);
  }

  /** pm_runtime_autosuspend_expiration(): when autosuspend is due, or 0 if it is due now. */
  private autosuspend_expiration(dev: device): number {
    const pw = dev.power;
    if (!pw.use_autosuspend || pw.autosuspend_delay < 0) return 0;
    const expires = pw.last_busy + pw.autosuspend_delay * NSEC_PER_MSEC;
    return expires > this.clock.now ? expires : 0;
  }

  /**
   * The part of rpm_suspend() before the callback, which never sleeps: a return value ends
   * the call (error, already suspended, timer armed, request queued); null goes on.
   */
  private suspend_prologue(dev: device, flags: number): number | null {
    const err = this.suspend_allowed(dev);
    if (err) return err;
    const pw = dev.power;
    if (pw.runtime_status === 'suspended') return 1;
    if (flags & RPM_AUTO && pw.use_autosuspend && pw.runtime_status !== 'suspending') {
      if (pw.autosuspend_delay < 0) return -EAGAIN;
      const expires = this.autosuspend_expiration(dev);
      if (expires) {
        this.arm_autosuspend(dev, expires);
        return 0;
      }
    }
    if (flags & RPM_ASYNC) return this.request(dev, flags & RPM_AUTO ? 'autosuspend' : 'suspend');
    return null;
  }

  private async rpm_suspend(dev: device, flags: number): Promise<number> {
    const pw = dev.power;
    for (;;) {
      const ret = this.suspend_prologue(dev, flags);
      if (ret !== null) return ret;
      if (pw.runtime_status === 'active') {
        this.cancel_pending(dev);
        pw.runtime_status = 'suspending';
        const err = await this.rpm_callback(dev, 'runtime_suspend');
        if (!err) break;
        pw.runtime_status = 'active';
        this.wait.wake_up(this.p(dev).wait);
        // A transient failure of an autosuspend whose driver has since marked the device
        // busy again: try again at the new expiry (the `goto repeat` in rpm_suspend()).
        if (!pw.runtime_error && flags & RPM_AUTO && this.autosuspend_expiration(dev)) continue;
        this.cancel_pending(dev);
        return err;
      }
      await this.wait_stable(dev);
    }
    pw.runtime_status = 'suspended';
    this.wait.wake_up(this.p(dev).wait);
    const parent = dev.parent;
    if (parent) {
      if (parent.power.child_count > 0) parent.power.child_count--;
      // Maybe the parent can suspend now.
      if (!parent.power.ignore_children && !pw.irq_safe) this.rpm_idle_async(parent);
    }
    return 0;
  }

  private async rpm_resume(dev: device): Promise<number> {
    await this.sched.yield_point();
    const pw = dev.power;
    /** Held (usage count) while @dev resumes, so that its idle check cannot suspend it. */
    let parent: device | null = null;
    let ret: number;
    for (;;) {
      if (pw.runtime_error) {
        ret = -EINVAL;
        break;
      }
      if (pw.disable_depth > 0) {
        ret = pw.runtime_status === 'active' ? 1 : -EACCES;
        break;
      }
      this.cancel_pending(dev);
      if (pw.runtime_status === 'active') {
        ret = 1;
        break;
      }
      if (pw.runtime_status !== 'suspended') {
        await this.wait_stable(dev);
        continue;
      }
      if (!parent && dev.parent && !pw.irq_safe) {
        parent = dev.parent;
        this.pm_runtime_get_noresume(parent);
        if (parent.power.disable_depth === 0 && !parent.power.ignore_children) {
          await this.rpm_resume(parent);
          if (parent.power.runtime_status !== 'active') {
            ret = -EBUSY;
            break;
          }
        }
        continue; // the device may have been resumed by someone else meanwhile
      }
      pw.runtime_status = 'resuming';
      ret = await this.rpm_callback(dev, 'runtime_resume');
      if (ret) {
        pw.runtime_status = 'suspended';
        this.cancel_pending(dev);
      } else {
        pw.runtime_status = 'active';
        this.pm_runtime_mark_last_busy(dev);
        if (dev.parent) dev.parent.power.child_count++;
      }
      this.wait.wake_up(this.p(dev).wait);
      if (!ret) this.rpm_idle_async(dev);
      break;
    }
    if (parent) this.pm_runtime_put(parent);
    return ret;
  }

  /**
   * rpm_callback(): run the driver's @cb (absent means success). -EACCES is not a valid
   * answer and becomes -EAGAIN; any error but the transient -EAGAIN and -EBUSY is kept in
   * runtime_error.
   */
  private async rpm_callback(dev: device, cb: 'runtime_suspend' | 'runtime_resume'): Promise<number> {
    let ret = (await dev.pm?.[cb]?.(dev)) ?? 0;
    if (ret === -EACCES) ret = -EAGAIN;
    if (ret && ret !== -EAGAIN && ret !== -EBUSY) dev.power.runtime_error = ret;
    return ret;
  }

  /** Wait while a suspend or resume of @dev is in progress (rpm_*'s wait loop). */
  private async wait_stable(dev: device): Promise<void> {
    const s = (): boolean => dev.power.runtime_status === 'active' || dev.power.runtime_status === 'suspended';
    if (!s()) await this.wait.wait_event(this.p(dev).wait, s);
  }

  private arm_autosuspend(dev: device, expires_ns: number): void {
    const p = this.p(dev);
    const tick = Math.ceil(expires_ns / this.jiffies.jiffies_to_nsecs(1));
    if (!this.timers.timer_pending(p.timer) || p.timer.expires > tick) this.timers.mod_timer(p.timer, tick);
  }

  private autosuspend_timer(dev: device): void {
    this.request(dev, 'autosuspend');
  }

  /** rpm_*() with RPM_ASYNC: record the request and let pm_wq carry it out. */
  private request(dev: device, what: 'idle' | 'suspend' | 'autosuspend'): number {
    const p = this.p(dev);
    p.request = what;
    this.wq.queue_work(this.pm_wq, p.work);
    return 0;
  }

  private async pm_runtime_work(dev: device): Promise<void> {
    const p = this.p(dev);
    const req = p.request;
    p.request = null;
    if (req === 'idle') await this.rpm_idle(dev, 0);
    else if (req === 'suspend') await this.rpm_suspend(dev, 0);
    else if (req === 'autosuspend') await this.rpm_suspend(dev, RPM_AUTO);
  }

  private cancel_pending(dev: device): void {
    const p = this.p(dev);
    this.timers.del_timer(p.timer);
    p.request = null;
  }
}
