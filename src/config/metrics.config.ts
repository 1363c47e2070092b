import { registerAs } from '@nestjs/config';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { validateEnv } from './validate-env.js';

class MetricsEnv {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  METRICS_TOKEN?: string;
}

export interface MetricsConfig {
  /**
   * Bearer token Prometheus sends to scrape `GET /api/metrics`. Unset: the endpoint answers
   * 401 to everyone (metrics are off).
   */
  token: string | undefined;
}

export const metricsConfig = registerAs('metrics', (): MetricsConfig => {
  const env = validateEnv(MetricsEnv);
  return { token: env.METRICS_TOKEN };
});
