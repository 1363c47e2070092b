import { Injectable } from '@nestjs/common';
import { TrackingService } from '../tracking/tracking.service.js';
import type { TrackingInfoDto } from './dto/tracking-info.dto.js';

/** What a tracking source needs to know about an order to find its shipment. */
export interface OrderTrackingRef {
  orderId: string;
  trackingNumber: string | null;
  courierService: string | null;
}

/**
 * Supplies live tracking for a page of orders in one call (one query for the whole page).
 * Bound to {@link TRACKING_INFO_SOURCE}; orders without an entry in the returned map get a
 * tracking block derived from the order alone.
 */
export interface TrackingInfoSource {
  forOrders(orders: OrderTrackingRef[]): Promise<Map<string, TrackingInfoDto>>;
}

export const TRACKING_INFO_SOURCE = Symbol('TRACKING_INFO_SOURCE');

/** Live tracking from the Tracking module: one query by docket for a whole page of orders. */
@Injectable()
export class TrackingModuleInfoSource implements TrackingInfoSource {
  constructor(private readonly tracking: TrackingService) {}

  async forOrders(orders: OrderTrackingRef[]): Promise<Map<string, TrackingInfoDto>> {
    const shipped = orders.filter((o) => o.trackingNumber !== null);
    const result = new Map<string, TrackingInfoDto>();
    if (shipped.length === 0) return result;
    const trackings = await this.tracking.findByDockets(shipped.map((o) => o.trackingNumber!));
    for (const order of shipped) {
      const t = trackings.get(order.trackingNumber!);
      if (!t || t.orderId !== order.orderId) continue;
      result.set(order.orderId, {
        hasTracking: true,
        docketNumber: t.docketNumber,
        courierService: t.courierService,
        status: t.status,
        estimatedDelivery: t.estimatedDelivery,
        trackingHistory: t.history,
        lastUpdatedAt: t.lastSyncedAt,
        trackingUrl: null,
        courierTrackingUrl: t.trackingUrl,
      });
    }
    return result;
  }
}
