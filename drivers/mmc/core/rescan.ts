// SPDX-License-Identifier: GPL-2.0
// Card detection (drivers/mmc/core/core.c mmc_rescan, mmc_rescan_try_freq, mmc_start_host):
// power up at each identification frequency, let SDIO and SD probes time out (an eMMC must not
// answer them), then attach the eMMC. Runs from the host's detect work.
import { inject, injectable } from 'tsyringe';
import { EIO } from '../../../include/linux/errno.h.ts';
import { MMC_CMD_AC, MMC_CMD_BCR, MMC_RSP_R1, MMC_RSP_R3, MMC_RSP_R4, MMC_RSP_R5, MMC_RSP_R7, mmc_command_init } from '../../../include/linux/mmc/core.h.ts';
import { MMC_CAP2_NO_MMC, MMC_CAP2_NO_PRESCAN_POWERUP, MMC_CAP2_NO_SD, MMC_CAP2_NO_SDIO, MMC_CAP_NONREMOVABLE, type mmc_host } from '../../../include/linux/mmc/host.h.ts';
import { MMC_APP_CMD, SD_APP_OP_COND, SD_IO_RW_DIRECT, SD_IO_SEND_OP_COND, SD_SEND_IF_COND } from '../../../include/linux/mmc/mmc.h.ts';
import { MmcCore } from './core.ts';
import { bus_ops_of } from './core.h.ts';
import { MmcAttach } from './mmc.ts';
import { MmcOps } from './mmc_ops.ts';

/** Identification clocks tried in order (freqs[] in core.c). */
const freqs = [400_000, 300_000, 200_000, 100_000];

@injectable()
export class MmcRescan {
  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(MmcOps) private readonly ops: MmcOps,
    @inject(MmcAttach) private readonly mmc: MmcAttach,
  ) {}

  /** mmc_start_host(): optional pre-scan power-up, then the first detection. */
  async mmc_start_host(host: mmc_host, detect: () => void): Promise<void> {
    host.f_init = Math.max(Math.min(freqs[0]!, host.f_max), host.f_min);
    host.rescan_disable = false;
    if (!(host.caps2 & MMC_CAP2_NO_PRESCAN_POWERUP)) {
      await this.core.mmc_claim_host(host);
      await this.core.mmc_power_up(host, host.ocr_avail, host.f_init);
      await this.core.mmc_release_host(host);
    }
    detect();
  }

  /** mmc_stop_host(): no more scans; remove the card and power off. */
  async mmc_stop_host(host: mmc_host): Promise<void> {
    host.rescan_disable = true;
    const bus = bus_ops_of(host);
    if (!bus) return;
    await bus.remove(host);
    await this.core.mmc_claim_host(host);
    host.bus_ops = null;
    await this.core.mmc_power_off(host);
    await this.core.mmc_release_host(host);
  }

  /** mmc_rescan(): the detect work. A non-removable card is scanned once. */
  async mmc_rescan(host: mmc_host): Promise<void> {
    if (host.rescan_disable) return;
    if (host.caps & MMC_CAP_NONREMOVABLE && host.rescan_entered) return;
    host.rescan_entered = true;
    const bus = bus_ops_of(host);
    if (bus) await bus.detect(host);
    if (bus_ops_of(host)) return;
    await this.core.mmc_claim_host(host);
    for (let i = 0; i < freqs.length; i++) {
      let freq = freqs[i]!;
      if (freq > host.f_max) {
        if (i + 1 < freqs.length) continue;
        freq = host.f_max;
      }
      if (!(await this.mmc_rescan_try_freq(host, Math.max(freq, host.f_min)))) break;
      if (freqs[i]! <= host.f_min) break;
    }
    await this.core.mmc_release_host(host);
  }

  private async mmc_rescan_try_freq(host: mmc_host, freq: number): Promise<number> {
    host.f_init = freq;
    await this.core.mmc_power_up(host, host.ocr_avail, freq);
    if (!(host.caps2 & MMC_CAP2_NO_SDIO)) await this.sdio_reset(host);
    await this.ops.mmc_go_idle(host);
    if (!(host.caps2 & MMC_CAP2_NO_SD)) await this.cmd(host, SD_SEND_IF_COND, 0x1aa, MMC_RSP_R7 | MMC_CMD_BCR);
    if (!(host.caps2 & MMC_CAP2_NO_SDIO) && !(await this.cmd(host, SD_IO_SEND_OP_COND, 0, MMC_RSP_R4 | MMC_CMD_BCR))) return 0;
    if (!(host.caps2 & MMC_CAP2_NO_SD) && !(await this.sd_probe(host))) return 0;
    if (!(host.caps2 & MMC_CAP2_NO_MMC) && !(await this.mmc.mmc_attach_mmc(host))) return 0;
    await this.core.mmc_power_off(host);
    return -EIO;
  }

  /** sdio_reset(): CMD52 writes the I/O abort register; SD and eMMC cards ignore it. */
  private async sdio_reset(host: mmc_host): Promise<void> {
    await this.cmd(host, SD_IO_RW_DIRECT, (1 << 31) | (6 << 9) | 0x08, MMC_RSP_R5 | MMC_CMD_AC);
  }

  /**
   * SD probe (mmc_attach_sd up to its first ACMD41): an SD card would answer. We do not model
   * SD cards, so an answer is reported as "not an eMMC" and the probe goes on to MMC.
   */
  private async sd_probe(host: mmc_host): Promise<number> {
    if (await this.cmd(host, MMC_APP_CMD, 0, MMC_RSP_R1 | MMC_CMD_AC)) return -EIO;
    await this.cmd(host, SD_APP_OP_COND, 0, MMC_RSP_R3 | MMC_CMD_BCR);
    return -EIO;
  }

  private cmd(host: mmc_host, opcode: number, arg: number, flags: number): Promise<number> {
    return this.core.mmc_wait_for_cmd(host, mmc_command_init({ opcode, arg: arg >>> 0, flags }), 0);
  }
}
