import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

/** Signs tracking links in the embedded demo only, so a fresh clone runs with no setup. */
export const DEV_PUBLIC_TRACKING_SECRET = 'docket-development-tracking-links-not-for-production';

class PublicTrackingEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsInt()
  PORT: number = 3000;

  @ValidateIf((env: PublicTrackingEnv) => env.PUBLIC_TRACKING_SECRET !== undefined)
  @IsString()
  @MinLength(32, {
    message: 'PUBLIC_TRACKING_SECRET must be at least 32 characters (required in production)',
  })
  PUBLIC_TRACKING_SECRET?: string;

  @ValidateIf((env: PublicTrackingEnv) => env.PUBLIC_TRACKING_URL_TEMPLATE !== undefined)
  @Matches(/^https?:\/\/[^\s]+\{token\}[^\s]*$/, {
    message:
      'PUBLIC_TRACKING_URL_TEMPLATE must be an http(s) URL containing {token} (required in production)',
  })
  PUBLIC_TRACKING_URL_TEMPLATE?: string;

  @IsInt()
  @Min(1)
  @Max(3650)
  PUBLIC_TRACKING_LINK_TTL_DAYS: number = 90;

  @IsInt()
  @Min(1)
  PUBLIC_TRACKING_IP_LIMIT: number = 30;

  @IsInt()
  @Min(1)
  PUBLIC_TRACKING_IP_WINDOW_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  PUBLIC_TRACKING_ORDER_LIMIT: number = 10;

  @IsInt()
  @Min(1)
  PUBLIC_TRACKING_ORDER_WINDOW_SECONDS: number = 600;
}

export interface PublicTrackingConfig {
  /** HMAC key of signed tracking links. */
  linkSecret: string;
  /** Where a signed link points: `{token}` is replaced (a store may point it at its storefront). */
  urlTemplate: string;
  linkTtlDays: number;
  /** Lookups allowed per client IP per window (this instance). */
  ipLimit: number;
  ipWindowSeconds: number;
  /** Lookups allowed per order/docket number per window (this instance), whoever asks. */
  orderLimit: number;
  orderWindowSeconds: number;
}

export const publicTrackingConfig = registerAs('publicTracking', (): PublicTrackingConfig => {
  const env = validateEnv(PublicTrackingEnv);
  const reasons = productionReasons();
  const problems: string[] = [];
  if (reasons.length && !env.PUBLIC_TRACKING_SECRET) {
    problems.push(
      `PUBLIC_TRACKING_SECRET=null: set a secret of at least 32 characters for signed tracking links${becauseOf(reasons)}`,
    );
  }
  if (reasons.length && env.PUBLIC_TRACKING_SECRET === DEV_PUBLIC_TRACKING_SECRET) {
    problems.push(
      `PUBLIC_TRACKING_SECRET: the development secret cannot be used${becauseOf(reasons).replace('required', 'refused')}`,
    );
  }
  if (reasons.length && !env.PUBLIC_TRACKING_URL_TEMPLATE) {
    problems.push(
      `PUBLIC_TRACKING_URL_TEMPLATE=null: set the public tracking page URL with {token}${becauseOf(reasons)}`,
    );
  }
  if (problems.length) throw new InvalidConfigError(problems);
  return {
    linkSecret: env.PUBLIC_TRACKING_SECRET ?? DEV_PUBLIC_TRACKING_SECRET,
    urlTemplate: env.PUBLIC_TRACKING_URL_TEMPLATE ?? `http://localhost:${env.PORT}/track/t/{token}`,
    linkTtlDays: env.PUBLIC_TRACKING_LINK_TTL_DAYS,
    ipLimit: env.PUBLIC_TRACKING_IP_LIMIT,
    ipWindowSeconds: env.PUBLIC_TRACKING_IP_WINDOW_SECONDS,
    orderLimit: env.PUBLIC_TRACKING_ORDER_LIMIT,
    orderWindowSeconds: env.PUBLIC_TRACKING_ORDER_WINDOW_SECONDS,
  };
});
