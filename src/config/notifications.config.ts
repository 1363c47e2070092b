import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

class NotificationsEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsInt()
  @Min(20)
  @Max(60_000)
  OUTBOX_POLL_MS: number = 250;

  @IsInt()
  @Min(0)
  @Max(60_000)
  OUTBOX_STABILITY_MS: number = 1_500;

  @IsInt()
  @Min(24)
  OUTBOX_RETENTION_HOURS: number = 48;

  @IsInt()
  @Min(1)
  OUTBOX_REPAIR_SECONDS: number = 30;

  @IsIn(['true', 'false'])
  EMAIL_ENABLED: string = 'true';

  /** smtp://user:pass@host:port or smtps://…; required unless embedded demo (its dev SMTP sink). */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be smtp://… or smtps://…' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM: string = 'Docket <orders@docket.local>';

  @IsInt()
  @Min(1)
  @Max(50)
  EMAIL_MAX_ATTEMPTS: number = 6;

  @IsInt()
  @Min(10)
  EMAIL_RETRY_BASE_MS: number = 30_000;

  @IsInt()
  @Min(1_000)
  EMAIL_LEASE_MS: number = 60_000;

  @IsInt()
  @Min(1)
  @Max(64)
  EMAIL_CONCURRENCY: number = 4;

  @IsInt()
  @Min(20)
  EMAIL_POLL_MS: number = 500;

  @IsInt()
  @Min(0)
  @Max(65535)
  DEV_SMTP_PORT: number = 2525;

  @IsInt()
  @Min(1)
  @Max(600)
  LIVE_HEARTBEAT_SECONDS: number = 15;

  @IsInt()
  @Min(5)
  @Max(600)
  LIVE_TOKEN_TTL_SECONDS: number = 60;

  @IsInt()
  @Min(10)
  @Max(100_000)
  LIVE_STREAM_BUFFER: number = 500;
}

export interface NotificationsConfig {
  outbox: {
    pollMs: number;
    stabilityMs: number;
    retentionHours: number;
    repairSeconds: number;
  };
  email: {
    enabled: boolean;
    /** Null only in the embedded demo, whose launcher starts a development SMTP sink. */
    smtpUrl: string | null;
    from: string;
    maxAttempts: number;
    retryBaseMs: number;
    leaseMs: number;
    concurrency: number;
    pollMs: number;
  };
  /** Port of the embedded development SMTP sink (0 = any free port). */
  devSmtpPort: number;
  live: {
    heartbeatSeconds: number;
    tokenTtlSeconds: number;
    /** Events a slow stream may have waiting before it is closed (the client reconnects). */
    bufferPerStream: number;
  };
}

export const notificationsConfig = registerAs('notifications', (): NotificationsConfig => {
  const env = validateEnv(NotificationsEnv);
  const enabled = env.EMAIL_ENABLED === 'true';
  const reasons = productionReasons();
  if (enabled && reasons.length && !env.SMTP_URL) {
    throw new InvalidConfigError([
      `SMTP_URL=null: set your SMTP server (or EMAIL_ENABLED=false)${becauseOf(reasons)}`,
    ]);
  }
  return {
    outbox: {
      pollMs: env.OUTBOX_POLL_MS,
      stabilityMs: env.OUTBOX_STABILITY_MS,
      retentionHours: env.OUTBOX_RETENTION_HOURS,
      repairSeconds: env.OUTBOX_REPAIR_SECONDS,
    },
    email: {
      enabled,
      smtpUrl: env.SMTP_URL ?? null,
      from: env.MAIL_FROM,
      maxAttempts: env.EMAIL_MAX_ATTEMPTS,
      retryBaseMs: env.EMAIL_RETRY_BASE_MS,
      leaseMs: env.EMAIL_LEASE_MS,
      concurrency: env.EMAIL_CONCURRENCY,
      pollMs: env.EMAIL_POLL_MS,
    },
    devSmtpPort: env.DEV_SMTP_PORT,
    live: {
      heartbeatSeconds: env.LIVE_HEARTBEAT_SECONDS,
      tokenTtlSeconds: env.LIVE_TOKEN_TTL_SECONDS,
      bufferPerStream: env.LIVE_STREAM_BUFFER,
    },
  };
});
