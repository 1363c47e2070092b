import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

/**
 * The token the Sequel247 sandbox accepts in the embedded demo. Not a real credential, and
 * refused at boot whenever anything real is configured. Kept here, beside the rule that refuses
 * it, so the product never imports the dev area to know it.
 */
export const SANDBOX_TOKEN = '0123456789abcdef0123456789abcdef';

class Sequel247Env {
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'SEQUEL247_BASE_URL must be an http(s) URL' },
  )
  SEQUEL247_BASE_URL?: string;

  @ValidateIf((env: Sequel247Env) => env.SEQUEL247_BASE_URL !== undefined)
  @Matches(/^[0-9a-fA-F]{32}$/, {
    message: 'SEQUEL247_TOKEN must be 32 hex characters (required with SEQUEL247_BASE_URL)',
  })
  SEQUEL247_TOKEN?: string;

  @IsInt()
  @Min(100)
  SEQUEL247_TIMEOUT_MS: number = 15_000;

  @IsInt()
  @Min(0)
  @Max(10)
  SEQUEL247_RETRIES: number = 3;

  @IsInt()
  @Min(1)
  SEQUEL247_RETRY_BASE_MS: number = 500;

  @IsInt()
  @Min(1)
  @Max(500)
  SEQUEL247_BATCH_SIZE: number = 50;

  @IsInt()
  @Min(1)
  SEQUEL247_BREAKER_THRESHOLD: number = 5;

  @IsInt()
  @Min(0)
  SEQUEL247_BREAKER_COOLDOWN_MS: number = 30_000;

  @IsOptional()
  @IsString()
  SEQUEL247_STORE_CODE?: string;

  @Matches(/^\d{6}$/, { message: 'SEQUEL247_ORIGIN_PINCODE must be 6 digits' })
  SEQUEL247_ORIGIN_PINCODE: string = '560001';
}

export interface Sequel247Config {
  /** Unset only in the embedded demo, where the dev launcher starts the sandbox and fills it in. */
  baseUrl: string | undefined;
  token: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  batchSize: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  storeCode: string;
  originPincode: string;
  /** Public tracking page, `{docket}` replaced. */
  trackingUrlTemplate: string;
}

export const sequel247Config = registerAs('sequel247', (): Sequel247Config => {
  const env = validateEnv(Sequel247Env);
  const reasons = productionReasons();
  const problems: string[] = [];
  if (reasons.length && !env.SEQUEL247_BASE_URL) {
    problems.push(`SEQUEL247_BASE_URL=null: set the Sequel247 API URL${becauseOf(reasons)}`);
  }
  if (reasons.length && !env.SEQUEL247_TOKEN) {
    problems.push(`SEQUEL247_TOKEN=null: set your Sequel247 API token${becauseOf(reasons)}`);
  }
  if (reasons.length && env.SEQUEL247_TOKEN === SANDBOX_TOKEN) {
    problems.push(
      `SEQUEL247_TOKEN: the sandbox token cannot be used${becauseOf(reasons).replace('required', 'refused')}`,
    );
  }
  if (problems.length) throw new InvalidConfigError(problems);
  const baseUrl = env.SEQUEL247_BASE_URL?.replace(/\/+$/, '');
  return {
    baseUrl,
    token: env.SEQUEL247_TOKEN ?? SANDBOX_TOKEN,
    timeoutMs: env.SEQUEL247_TIMEOUT_MS,
    retries: env.SEQUEL247_RETRIES,
    retryBaseMs: env.SEQUEL247_RETRY_BASE_MS,
    batchSize: env.SEQUEL247_BATCH_SIZE,
    breakerThreshold: env.SEQUEL247_BREAKER_THRESHOLD,
    breakerCooldownMs: env.SEQUEL247_BREAKER_COOLDOWN_MS,
    storeCode: env.SEQUEL247_STORE_CODE ?? 'DOCKET01',
    originPincode: env.SEQUEL247_ORIGIN_PINCODE,
    trackingUrlTemplate: `${baseUrl ?? 'https://sequel247.com'}/track/{docket}`,
  };
});
