import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { AllConfig } from '../config/index.js';
import type { SyncPassSummary } from './tracking-poller.service.js';
import { TrackingService } from './tracking.service.js';

export const TRACKING_SYNC_JOB = 'tracking-sync';

/**
 * Schedules the tracking sync pass. `@Cron` needs a constant expression, so the job is
 * registered with the SchedulerRegistry from config instead (none when the schedule is off);
 * ScheduleModule stops every registered job on shutdown.
 */
@Injectable()
export class TrackingSyncService implements OnModuleInit {
  private readonly logger = new Logger(TrackingSyncService.name);
  private running: Promise<SyncPassSummary> | null = null;

  constructor(
    private readonly tracking: TrackingService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  onModuleInit(): void {
    const { cron } = this.config.getOrThrow('tracking', { infer: true });
    if (cron === null) {
      this.logger.log('Tracking sync schedule is off (passes can still be started by an admin)');
      return;
    }
    const job = CronJob.from({
      cronTime: cron,
      timeZone: 'UTC',
      onTick: () => this.onTick(),
      start: false,
    });
    this.scheduler.addCronJob(TRACKING_SYNC_JOB, job);
    job.start();
    this.logger.log(`Tracking sync scheduled: "${cron}" (UTC)`);
  }

  /** The cron tick: starts a pass unless this instance is still running the previous one. */
  async onTick(): Promise<void> {
    if (this.running) {
      this.logger.warn('Previous tracking sync pass still running; skipping this tick');
      return;
    }
    try {
      await this.runPass();
    } catch (error) {
      this.logger.error(
        `Tracking sync pass failed: ${error instanceof Error ? error.message : String(error)}`,
      );
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
