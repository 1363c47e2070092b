import path from 'node:path';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { SANDBOX_TOKEN } from '../../config/sequel247.config.js';
import { validateEnv } from '../../config/validate-env.js';

class SandboxEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  SEQUEL247_SANDBOX_PORT: number = 4247;

  @IsString()
  SEQUEL247_SANDBOX_HOST: string = '127.0.0.1';

  @IsInt()
  @Min(0)
  SEQUEL247_SANDBOX_SEED: number = 247;

  @IsInt()
  @Min(0)
  @Max(100_000)
  SEQUEL247_SANDBOX_TIME_SCALE: number = 60;

  @IsOptional()
  @IsString()
  SEQUEL247_SANDBOX_STATE_FILE?: string;

  @IsOptional()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'SEQUEL247_SANDBOX_TOKEN must be 32 hex characters' })
  SEQUEL247_SANDBOX_TOKEN?: string;

  @Matches(/^\d{6}$/, { message: 'SEQUEL247_ORIGIN_PINCODE must be 6 digits' })
  SEQUEL247_ORIGIN_PINCODE: string = '560001';
}

export interface SandboxSettings {
  /** 0 = any free port. */
  port: number;
  host: string;
  /** Same seed, same docket numbers and scan timings. */
  seed: number;
  /** Sandbox minutes per real minute (0 = the clock moves only when told). */
  timeScale: number;
  /** Where dockets are kept across restarts; undefined = in memory only. */
  stateFile: string | undefined;
  token: string;
  originPincode: string;
}

/**
 * The one place the SEQUEL247_SANDBOX_* settings are read, for the sandbox embedded by the dev
 * launcher and for `npm run sandbox:sequel247` alike; a bad value stops it naming the variable.
 * `SEQUEL247_SANDBOX_TOKEN` lets a standalone sandbox accept a token of your own, so an app
 * with production-like settings (which refuse the well-known SANDBOX_TOKEN) can use it.
 */
export function readSandboxSettings(env: NodeJS.ProcessEnv = process.env): SandboxSettings {
  const parsed = validateEnv(SandboxEnv, env);
  return {
    port: parsed.SEQUEL247_SANDBOX_PORT,
    host: parsed.SEQUEL247_SANDBOX_HOST,
    seed: parsed.SEQUEL247_SANDBOX_SEED,
    timeScale: parsed.SEQUEL247_SANDBOX_TIME_SCALE,
    stateFile: parsed.SEQUEL247_SANDBOX_STATE_FILE
      ? path.resolve(parsed.SEQUEL247_SANDBOX_STATE_FILE)
      : undefined,
    token: parsed.SEQUEL247_SANDBOX_TOKEN ?? SANDBOX_TOKEN,
    originPincode: parsed.SEQUEL247_ORIGIN_PINCODE,
  };
}
