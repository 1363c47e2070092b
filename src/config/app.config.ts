import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

class AppEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: NodeEnv = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  CORS_ORIGINS: string = '*';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT: string = '100kb';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @IsIn(['true', 'false'])
  DEMO_DATA?: 'true' | 'false';

  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  corsOrigins: string[] | '*';
  bodyLimit: string;
  logLevel: LogLevel;
  /** Seed demo users and products at boot (embedded demo only; default on there). */
  demoData: boolean;
  shutdownGraceMs: number;
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateEnv(AppEnv);
  const reasons = productionReasons();
  if (reasons.length && env.DEMO_DATA === 'true') {
    // The demo accounts' passwords are in the README.
    throw new InvalidConfigError([
      `DEMO_DATA="true": demo accounts are only for the embedded demo; unset DEMO_DATA${becauseOf(reasons).replace('required', 'refused')}`,
    ]);
  }
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    corsOrigins:
      env.CORS_ORIGINS === '*'
        ? '*'
        : env.CORS_ORIGINS.split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    bodyLimit: env.BODY_LIMIT,
    logLevel: env.LOG_LEVEL,
    demoData: env.DEMO_DATA ? env.DEMO_DATA === 'true' : reasons.length === 0,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
});
