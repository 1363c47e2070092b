import { registerAs } from '@nestjs/config';
import { CronTime } from 'cron';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env.js';
import { errorMessage } from '../common/errors/error-message.js';

class TrackingEnv {
  /**
   * The tick that claims what is due: a cron expression, or "off" to disable the schedule
   * (passes can still be started by an admin). Each shipment keeps its own schedule
   * (TRACKING_POLL_MINUTES...); the tick only decides how soon after falling due it is polled.
   */
  @IsString()
  TRACKING_SYNC_CRON: string = '* * * * *';

  @IsIn(['true', 'false'])
  TRACKING_SYNC_ENABLED: string = 'true';

  @IsInt()
  @Min(1)
  @Max(64)
  TRACKING_SYNC_CONCURRENCY: number = 4;

  @IsInt()
  @Min(1_000)
  TRACKING_LEASE_MS: number = 300_000;

  @IsInt()
  @Min(1)
  TRACKING_POLL_MINUTES: number = 30;

  @IsInt()
  @Min(1)
  TRACKING_OUT_FOR_DELIVERY_POLL_MINUTES: number = 10;

  @IsInt()
  @Min(0)
  @Max(50)
  TRACKING_POLL_SPREAD_PERCENT: number = 10;

  @IsInt()
  @Min(1)
  TRACKING_MAX_BACKOFF_MINUTES: number = 360;

  @IsInt()
  @Min(1)
  TRACKING_STALE_AFTER_DAYS: number = 5;

  @IsInt()
  @Min(0)
  TRACKING_RECONCILE_GRACE_SECONDS: number = 60;
}

export interface TrackingConfig {
  /** Null when the schedule is disabled. */
  cron: string | null;
  concurrency: number;
  leaseMs: number;
  pollMinutes: number;
  outForDeliveryPollMinutes: number;
  /** Share of a regular interval taken off at random (0–0.5) so synced-together shipments drift apart. */
  pollSpread: number;
  maxBackoffMinutes: number;
  staleAfterDays: number;
  /** A status change unacknowledged by Orders for this long has its event re-emitted. */
  reconcileGraceSeconds: number;
}

/** Why `expression` is not a usable 5- or 6-field cron expression, or null when it is. */
function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    return 'must be a 5- or 6-field cron expression or "off"';
  }
  try {
    new CronTime(expression, 'UTC');
    return null;
  } catch (error) {
    return `not a valid cron expression (${errorMessage(error)})`;
  }
}

export const trackingConfig = registerAs('tracking', (): TrackingConfig => {
  const env = validateEnv(TrackingEnv);
  const disabled = env.TRACKING_SYNC_ENABLED === 'false' || env.TRACKING_SYNC_CRON === 'off';
  if (!disabled) {
    const problem = cronProblem(env.TRACKING_SYNC_CRON);
    if (problem) {
      throw new Error(
        `Invalid configuration:\n  - TRACKING_SYNC_CRON=${JSON.stringify(env.TRACKING_SYNC_CRON)}: ${problem}`,
      );
    }
  }
  return {
    cron: disabled ? null : env.TRACKING_SYNC_CRON,
    concurrency: env.TRACKING_SYNC_CONCURRENCY,
    leaseMs: env.TRACKING_LEASE_MS,
    pollMinutes: env.TRACKING_POLL_MINUTES,
    outForDeliveryPollMinutes: env.TRACKING_OUT_FOR_DELIVERY_POLL_MINUTES,
    pollSpread: env.TRACKING_POLL_SPREAD_PERCENT / 100,
    maxBackoffMinutes: env.TRACKING_MAX_BACKOFF_MINUTES,
    staleAfterDays: env.TRACKING_STALE_AFTER_DAYS,
    reconcileGraceSeconds: env.TRACKING_RECONCILE_GRACE_SECONDS,
  };
});
