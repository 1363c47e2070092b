import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

class WebhooksEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsIn(['true', 'false'])
  WEBHOOKS_DELIVERY_ENABLED: string = 'true';

  @IsInt()
  @Min(10)
  WEBHOOKS_POLL_INTERVAL_MS: number = 1_000;

  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOKS_TIMEOUT_MS: number = 10_000;

  @IsInt()
  @Min(1)
  WEBHOOKS_RETRY_BASE_MS: number = 5_000;

  @IsInt()
  @Min(1)
  WEBHOOKS_RETRY_MAX_DELAY_MS: number = 6 * 60 * 60 * 1000;

  @IsInt()
  @Min(1)
  WEBHOOKS_RETRY_WINDOW_MS: number = 24 * 60 * 60 * 1000;

  @IsInt()
  @Min(1)
  WEBHOOKS_DISABLE_AFTER_MS: number = 5 * 24 * 60 * 60 * 1000;

  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOKS_BATCH_SIZE: number = 50;

  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOKS_CONCURRENCY: number = 8;

  @IsInt()
  @Min(1_000)
  WEBHOOKS_LEASE_MS: number = 60_000;

  @IsInt()
  @Min(1)
  WEBHOOKS_RETENTION_DAYS: number = 30;

  @IsOptional()
  @IsIn(['true', 'false'])
  WEBHOOKS_ALLOW_PRIVATE_TARGETS?: 'true' | 'false';
}

export interface WebhooksConfig {
  /** Run the delivery loop on this instance (admin routes work either way). */
  deliveryEnabled: boolean;
  pollIntervalMs: number;
  /** Per delivery attempt, connect to last byte. */
  timeoutMs: number;
  /** First retry delay; each further retry waits 4× longer (with jitter), up to retryMaxDelayMs. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** A delivery still failing this long after it was queued is dead. */
  retryWindowMs: number;
  /** An endpoint whose deliveries have failed without a success for this long is disabled. */
  disableAfterMs: number;
  batchSize: number;
  concurrency: number;
  /** How long a claimed attempt stays owned by one instance (longer than the timeout). */
  leaseMs: number;
  /** Succeeded and dead deliveries are deleted this long after their last attempt. */
  retentionDays: number;
  /**
   * Plain http URLs and loopback/private/link-local targets are allowed (development, tests).
   * Never in production.
   */
  allowPrivateTargets: boolean;
}

export const webhooksConfig = registerAs('webhooks', (): WebhooksConfig => {
  const env = validateEnv(WebhooksEnv);
  const production = env.NODE_ENV === 'production';
  // Production-like (anything real configured): off unless set; NODE_ENV=production: refused.
  const productionLike = productionReasons().length > 0;
  if (production && env.WEBHOOKS_ALLOW_PRIVATE_TARGETS === 'true') {
    throw new InvalidConfigError([
      'WEBHOOKS_ALLOW_PRIVATE_TARGETS="true": webhooks may not target http, private, loopback or link-local addresses in production',
    ]);
  }
  if (env.WEBHOOKS_LEASE_MS <= env.WEBHOOKS_TIMEOUT_MS) {
    throw new InvalidConfigError([
      `WEBHOOKS_LEASE_MS=${env.WEBHOOKS_LEASE_MS}: must be longer than WEBHOOKS_TIMEOUT_MS (${env.WEBHOOKS_TIMEOUT_MS})`,
    ]);
  }
  return {
    deliveryEnabled: env.WEBHOOKS_DELIVERY_ENABLED === 'true',
    pollIntervalMs: env.WEBHOOKS_POLL_INTERVAL_MS,
    timeoutMs: env.WEBHOOKS_TIMEOUT_MS,
    retryBaseMs: env.WEBHOOKS_RETRY_BASE_MS,
    retryMaxDelayMs: env.WEBHOOKS_RETRY_MAX_DELAY_MS,
    retryWindowMs: env.WEBHOOKS_RETRY_WINDOW_MS,
    disableAfterMs: env.WEBHOOKS_DISABLE_AFTER_MS,
    batchSize: env.WEBHOOKS_BATCH_SIZE,
    concurrency: env.WEBHOOKS_CONCURRENCY,
    leaseMs: env.WEBHOOKS_LEASE_MS,
    retentionDays: env.WEBHOOKS_RETENTION_DAYS,
    allowPrivateTargets: env.WEBHOOKS_ALLOW_PRIVATE_TARGETS
      ? env.WEBHOOKS_ALLOW_PRIVATE_TARGETS === 'true'
      : !productionLike,
  };
});
