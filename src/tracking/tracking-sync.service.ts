import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression, SchedulerRegistry } from '@nestjs/schedule';
import { CronTime } from 'cron';
import type { AllConfig } from '../config/index.js';
import type { SyncPassSummary } from './tracking-poller.service.js';
import { TrackingService } from './tracking.service.js';
import { errorMessage } from '../common/errors/error-message.js';

export const TRACKING_SYNC_JOB = 'tracking-sync';

/**
 * Schedules the tracking sync pass. The `@Cron` job is declared stopped with the default
 * schedule; at bootstrap it takes `TRACKING_SYNC_CRON` from the validated config and starts,
 * or stays stopped when the schedule is off. (ScheduleModule is global, so its jobs are
 * registered before this module's bootstrap hook runs; it stops them on shutdown.)
 */
@Injectable()
export class TrackingSyncService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TrackingSyncService.name);
  private running: Promise<SyncPassSummary> | null = null;

  constructor(
    private readonly tracking: TrackingService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const { cron } = this.config.getOrThrow('tracking', { infer: true });
    const job = this.scheduler.getCronJob(TRACKING_SYNC_JOB);
    if (cron === null) {
      this.logger.log('Tracking sync schedule is off (passes can still be started by an admin)');
      return;
    }
    job.setTime(new CronTime(cron, 'UTC'));
    job.start();
    this.logger.log(`Tracking sync scheduled: "${cron}" (UTC)`);
  }

  /** The cron tick: starts a pass unless this instance is still running the previous one. */
  @Cron(CronExpression.EVERY_MINUTE, {
    name: TRACKING_SYNC_JOB,
    timeZone: 'UTC',
    disabled: true,
    // A tick that comes while a pass still runs is skipped, not stacked.
    waitForCompletion: true,
  })
  async onTick(): Promise<void> {
    if (this.running) {
      this.logger.warn('Previous tracking sync pass still running; skipping this tick');
      return;
    }
    try {
      await this.runPass();
    } catch (error) {
      this.logger.error(`Tracking sync pass failed: ${errorMessage(error)}`);
    }
  }

  /** Runs a pass now; a pass already running in this instance is joined rather than doubled. */
  runPass(): Promise<SyncPassSummary> {
    if (!this.running) {
      this.running = this.tracking.runPass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }
}
