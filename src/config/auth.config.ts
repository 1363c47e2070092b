import { registerAs } from '@nestjs/config';
import {
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

/** Used only by the embedded demo (nothing configured) so a fresh clone runs with no setup. */
export const DEV_JWT_SECRET = 'docket-development-secret-not-for-production-use';

/** Longest access-token lifetime accepted at boot: a leaked token stays useful at most this long. */
export const MAX_JWT_LIFETIME_SECONDS = 24 * 3600;

class AuthEnv {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Matches(/^\d+[smhd]?$/, { message: 'JWT_EXPIRES_IN must look like 3600, 15m, 1h or 7d' })
  JWT_EXPIRES_IN: string = '1h';

  @IsString()
  @MinLength(1)
  JWT_ISSUER: string = 'docket';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE: string = 'docket-api';

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
  /** Seconds, at most MAX_JWT_LIFETIME_SECONDS. */
  jwtExpiresIn: number;
  /** `iss` written into and required of every access token. */
  jwtIssuer: string;
  /** `aud` written into and required of every access token. */
  jwtAudience: string;
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
  const reasons = productionReasons();
  const problems: string[] = [];
  if (reasons.length && !env.JWT_SECRET) {
    problems.push(
      `JWT_SECRET=null: set a random secret of at least 32 characters${becauseOf(reasons)}`,
    );
  }
  if (reasons.length && env.JWT_SECRET === DEV_JWT_SECRET) {
    problems.push(`JWT_SECRET: the development secret cannot be used${becauseOf(reasons)}`);
  }
  const expiresIn = toSeconds(env.JWT_EXPIRES_IN);
  if (expiresIn < 60 || expiresIn > MAX_JWT_LIFETIME_SECONDS) {
    problems.push(
      `JWT_EXPIRES_IN=${JSON.stringify(env.JWT_EXPIRES_IN)}: must be between 60 seconds and ${MAX_JWT_LIFETIME_SECONDS / 3600}h`,
    );
  }
  if (problems.length) throw new InvalidConfigError(problems);
  return {
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtExpiresIn: expiresIn,
    jwtIssuer: env.JWT_ISSUER,
    jwtAudience: env.JWT_AUDIENCE,
    adminEmail: env.ADMIN_EMAIL?.trim().toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD,
    rateLimit: env.AUTH_RATE_LIMIT,
    rateWindowSeconds: env.AUTH_RATE_WINDOW_SECONDS,
  };
});
