import { Injectable } from '@nestjs/common';
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

/** Until the shipping/tracking module binds its own source: nothing beyond the order itself. */
@Injectable()
export class NoTrackingInfoSource implements TrackingInfoSource {
  forOrders(): Promise<Map<string, TrackingInfoDto>> {
    return Promise.resolve(new Map<string, TrackingInfoDto>());
  }
}
