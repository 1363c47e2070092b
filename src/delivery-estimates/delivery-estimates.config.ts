import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '../config/validate-env.js';

/** Deliveries a lane needs before Docket trusts its own estimate there (the bench's setting too). */
export const DEFAULT_MIN_SAMPLES = 10;
/** Most recent deliveries per lane that the statistics use. */
export const DEFAULT_HISTORY_SIZE = 500;

class DeliveryEstimatesEnv {
  @IsInt()
  @Min(1)
  DELIVERY_ESTIMATE_RATE_LIMIT: number = 30;

  @IsInt()
  @Min(1)
  DELIVERY_ESTIMATE_RATE_WINDOW_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  @Max(10_000)
  DELIVERY_ESTIMATE_MIN_SAMPLES: number = DEFAULT_MIN_SAMPLES;

  @IsInt()
  @Min(10)
  @Max(10_000)
  DELIVERY_ESTIMATE_HISTORY_SIZE: number = DEFAULT_HISTORY_SIZE;

  @IsInt()
  @Min(0)
  DELIVERY_ESTIMATE_CACHE_SECONDS: number = 300;
}

export interface DeliveryEstimatesConfig {
  /** Checkout estimates per client IP per window. */
  rateLimit: number;
  rateWindowSeconds: number;
  minSamples: number;
  historySize: number;
  /** How long lane statistics and the courier's serviceability answers are reused (0: never). */
  cacheSeconds: number;
}

export const deliveryEstimatesConfig = registerAs(
  'deliveryEstimates',
  (): DeliveryEstimatesConfig => {
    const env = validateEnv(DeliveryEstimatesEnv);
    return {
      rateLimit: env.DELIVERY_ESTIMATE_RATE_LIMIT,
      rateWindowSeconds: env.DELIVERY_ESTIMATE_RATE_WINDOW_SECONDS,
      minSamples: env.DELIVERY_ESTIMATE_MIN_SAMPLES,
      historySize: env.DELIVERY_ESTIMATE_HISTORY_SIZE,
      cacheSeconds: env.DELIVERY_ESTIMATE_CACHE_SECONDS,
    };
  },
);
