import { Injectable } from '@nestjs/common';
import type { OrderDto } from '../../orders/dto/order.dto.js';
import type { TrackingInfoDto } from '../../orders/dto/tracking-info.dto.js';
import { OrderNotFoundError } from '../../orders/orders.errors.js';
import { OrdersService } from '../../orders/orders.service.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';

export type LiveEventType = 'order.status_changed' | 'shipment.scan_added';

/** The data of one customer stream event (see LiveEventDto for the documented shape). */
export interface LiveEventData {
  type: LiveEventType;
  orderId: string;
  orderNumber: string;
  orderStatus: OrderDto['orderStatus'];
  trackingInfo: TrackingInfoDto;
  /** When the change happened. */
  occurredAt: Date;
  /** What this event is about: `{from, to}` for a status change, the scan for a scan. */
  change: Record<string, unknown>;
}

/** The customer-stream event type of a record, or null when customers are not told about it. */
export function customerEventType(record: OutboxRecord): LiveEventType | null {
  if (record.type === 'order.status_changed') return 'order.status_changed';
  if (record.type === 'shipment.scan_added') return 'shipment.scan_added';
  return null;
}

const CACHE_SIZE = 1_000;

/**
 * Turns outbox records into event data built on the order view (so the view's field names
 * carry through). The same record is usually wanted by several streams (the customer's, the
 * admin's, another instance's is separate), so the view is read once per record and kept in a
 * small bounded cache.
 */
@Injectable()
export class LiveEventPayloads {
  private readonly views = new Map<string, Promise<OrderDto | null>>();

  constructor(private readonly orders: OrdersService) {}

  async forCustomer(record: OutboxRecord): Promise<LiveEventData | null> {
    const type = customerEventType(record);
    if (!type) return null;
    return this.build(type, record);
  }

  /** Admin ops stream: every shipment change, typed by the record's own type. */
  async forAdmin(
    record: OutboxRecord,
  ): Promise<(Omit<LiveEventData, 'type'> & { type: string }) | null> {
    if (!record.type.startsWith('shipment.')) return null;
    return this.build(record.type, record);
  }

  private async build<T extends string>(type: T, record: OutboxRecord) {
    const view = await this.viewOf(record);
    if (!view) return null;
    return {
      type,
      orderId: record.orderId,
      orderNumber: record.orderNumber,
      orderStatus: view.orderStatus,
      trackingInfo: view.trackingInfo,
      occurredAt: record.occurredAt,
      change: record.data,
    };
  }

  /** The order as it is when the record is first streamed; one read per record. */
  private viewOf(record: OutboxRecord): Promise<OrderDto | null> {
    const cached = this.views.get(record.position);
    if (cached) return cached;
    const view = this.orders
      .findForShipping(record.orderId)
      .then((order) => this.orders.toView(order))
      .catch((error: unknown) => {
        if (error instanceof OrderNotFoundError) return null;
        this.views.delete(record.position);
        throw error;
      });
    this.views.set(record.position, view);
    if (this.views.size > CACHE_SIZE) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
    return view;
  }
}
