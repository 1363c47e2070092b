import { registerAs } from '@nestjs/config';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { validateEnv } from './validate-env.js';

/** Token the embedded sandbox accepts; it is not a real Sequel247 credential. */
export const SANDBOX_TOKEN = '0123456789abcdef0123456789abcdef';

class Sequel247Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @ValidateIf(
    (env: Sequel247Env) => env.NODE_ENV === 'production' || env.SEQUEL247_BASE_URL !== undefined,
  )
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'SEQUEL247_BASE_URL must be an http(s) URL (required in production)' },
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

  @IsInt()
  @Min(0)
  @Max(65535)
  SEQUEL247_SANDBOX_PORT: number = 4247;

  @IsInt()
  @Min(0)
  SEQUEL247_SANDBOX_SEED: number = 247;

  @IsInt()
  @Min(0)
  @Max(100_000)
  SEQUEL247_SANDBOX_TIME_SCALE: number = 60;

  @IsOptional()
  @IsString()
  SEQUEL247_STORE_CODE?: string;

  @Matches(/^\d{6}$/, { message: 'SEQUEL247_ORIGIN_PINCODE must be 6 digits' })
  SEQUEL247_ORIGIN_PINCODE: string = '560001';
}

export interface Sequel247Config {
  /** Unset outside production: main.ts starts the sandbox and fills this in. */
  baseUrl: string | undefined;
  token: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  batchSize: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  sandboxPort: number;
  /** Seed of the embedded sandbox (docket numbers and scan timings). */
  sandboxSeed: number;
  /** Sandbox minutes per real minute in the embedded sandbox (0 = clock moves only when told). */
  sandboxTimeScale: number;
  storeCode: string;
  originPincode: string;
  /** Public tracking page, `{docket}` replaced. */
  trackingUrlTemplate: string;
}

export const sequel247Config = registerAs('sequel247', (): Sequel247Config => {
  const env = validateEnv(Sequel247Env);
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
    sandboxPort: env.SEQUEL247_SANDBOX_PORT,
    sandboxSeed: env.SEQUEL247_SANDBOX_SEED,
    sandboxTimeScale: env.SEQUEL247_SANDBOX_TIME_SCALE,
    storeCode: env.SEQUEL247_STORE_CODE ?? 'DOCKET01',
    originPincode: env.SEQUEL247_ORIGIN_PINCODE,
    trackingUrlTemplate: `${baseUrl ?? 'https://sequel247.com'}/track/{docket}`,
  };
});
