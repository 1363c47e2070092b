import { registerAs } from '@nestjs/config';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { validateEnv } from './validate-env.js';

/** Used only outside production so a fresh clone runs with no setup. */
export const DEV_JWT_SECRET = 'docket-development-secret-not-for-production-use';

class AuthEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @ValidateIf((env: AuthEnv) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters (required in production)' })
  JWT_SECRET?: string;

  @Matches(/^\d+[smhd]?$/, { message: 'JWT_EXPIRES_IN must look like 3600, 15m, 1h or 7d' })
  JWT_EXPIRES_IN: string = '1h';

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @ValidateIf((env: AuthEnv) => env.ADMIN_EMAIL !== undefined)
  @IsString()
  @Length(8, 128, { message: 'ADMIN_PASSWORD must be 8-128 characters when ADMIN_EMAIL is set' })
  ADMIN_PASSWORD?: string;

  @IsInt()
  @Min(1)
  AUTH_RATE_LIMIT: number = 10;

  @IsInt()
  @Min(1)
  AUTH_RATE_WINDOW_SECONDS: number = 60;
}

export interface AuthConfig {
  jwtSecret: string;
  /** Seconds. */
  jwtExpiresIn: number;
  adminEmail?: string;
  adminPassword?: string;
  /** Register/login attempts allowed per client IP per window. */
  rateLimit: number;
  rateWindowSeconds: number;
}

function toSeconds(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  const n = Number(match?.[1] ?? 0);
  const unit = match?.[2] ?? '';
  return n * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[unit];
}

export const authConfig = registerAs('auth', (): AuthConfig => {
  const env = validateEnv(AuthEnv);
  if (env.NODE_ENV === 'production' && env.JWT_SECRET === DEV_JWT_SECRET) {
    throw new Error(
      'Invalid configuration:\n  - JWT_SECRET: the development secret cannot be used in production',
    );
  }
  return {
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtExpiresIn: toSeconds(env.JWT_EXPIRES_IN),
    adminEmail: env.ADMIN_EMAIL?.trim().toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD,
    rateLimit: env.AUTH_RATE_LIMIT,
    rateWindowSeconds: env.AUTH_RATE_WINDOW_SECONDS,
  };
});
