import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { DeliveryEstimatesConfig } from './delivery-estimates.config.js';

/**
 * The app-wide throttler (storage, client-IP tracking, 429 + Retry-After) with this route's own
 * budget: DELIVERY_ESTIMATE_RATE_LIMIT per DELIVERY_ESTIMATE_RATE_WINDOW_SECONDS per client IP.
 */
@Injectable()
export class DeliveryEstimateThrottlerGuard extends ThrottlerGuard {
  private readonly limit: number;
  private readonly ttlMs: number;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    config: ConfigService<{ deliveryEstimates: DeliveryEstimatesConfig }, true>,
  ) {
    super(options, storage, reflector);
    const settings = config.getOrThrow('deliveryEstimates', { infer: true });
    this.limit = settings.rateLimit;
    this.ttlMs = settings.rateWindowSeconds * 1000;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({
      ...request,
      limit: this.limit,
      ttl: this.ttlMs,
      blockDuration: this.ttlMs,
    });
  }
}
