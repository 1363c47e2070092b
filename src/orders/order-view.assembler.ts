import { Inject, Injectable } from '@nestjs/common';
import { TrackingLinkSigner } from '../public-tracking/tracking-link.signer.js';
import type { OrderDto } from './dto/order.dto.js';
import type { TrackingInfoDto } from './dto/tracking-info.dto.js';
import type { LeanOrder } from './schemas/order.schema.js';
import { TRACKING_INFO_SOURCE, type TrackingInfoSource } from './tracking-info.source.js';

/**
 * The one place an order becomes a response. Every read path goes through `many`/`one`, so the
 * tracking block is fetched with a single batch call per request, whatever the page size.
 */
@Injectable()
export class OrderViewAssembler {
  constructor(
    @Inject(TRACKING_INFO_SOURCE) private readonly tracking: TrackingInfoSource,
    private readonly links: TrackingLinkSigner,
  ) {}

  async many(orders: LeanOrder[]): Promise<OrderDto[]> {
    if (orders.length === 0) return [];
    const info = await this.tracking.forOrders(
      orders.map((o) => ({
        orderId: String(o._id),
        trackingNumber: o.trackingNumber ?? null,
        courierService: o.courierService ?? null,
      })),
    );
    const now = new Date();
    return orders.map((o) =>
      toOrderDto(o, {
        ...(info.get(String(o._id)) ?? trackingFromOrder(o)),
        // The signed public tracking page, for every order (shipped or not).
        trackingUrl: this.links.urlFor(String(o._id), now),
      }),
    );
  }

  async one(order: LeanOrder): Promise<OrderDto> {
    const [dto] = await this.many([order]);
    return dto;
  }
}

/** Tracking as far as the order itself knows: the docket number once shipped, nothing live. */
export function trackingFromOrder(order: LeanOrder): TrackingInfoDto {
  return {
    hasTracking: false,
    docketNumber: order.trackingNumber ?? null,
    courierService: order.courierService ?? null,
    status: null,
    estimatedDelivery: null,
    trackingHistory: [],
    lastUpdatedAt: null,
    trackingUrl: null,
    courierTrackingUrl: null,
  };
}

export function toOrderDto(order: LeanOrder, trackingInfo: TrackingInfoDto): OrderDto {
  const address = order.shippingAddress;
  return {
    id: String(order._id),
    orderNumber: order.orderNumber,
    user: String(order.user),
    customerEmail: order.customerEmail,
    items: order.items.map((item) => ({
      product: String(item.product),
      sku: item.sku,
      name: item.name,
      unitPricePaise: item.unitPricePaise,
      quantity: item.quantity,
      lineTotalPaise: item.lineTotalPaise,
    })),
    subtotalPaise: order.subtotalPaise,
    shippingFeePaise: order.shippingFeePaise,
    totalPaise: order.totalPaise,
    currency: order.currency,
    shippingAddress: {
      fullName: address.fullName,
      phone: address.phone,
      line1: address.line1,
      ...(address.line2 ? { line2: address.line2 } : {}),
      city: address.city,
      state: address.state,
      pincode: address.pincode,
      country: 'IN',
    },
    status: order.status,
    statusHistory: order.statusHistory.map((h) => ({
      from: h.from ?? null,
      to: h.to,
      at: h.at,
      source: h.source,
      actor: h.actor ?? null,
      note: h.note ?? null,
    })),
    trackingNumber: order.trackingNumber ?? null,
    courierService: order.courierService ?? null,
    trackingInfo,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
