import { Injectable } from '@nestjs/common';
import { CourierRegistry } from '../courier/courier-registry.js';
import { TERMINAL_TRACKING_STATUSES } from '../courier/tracking-status.js';
import { DeliveryWindowDto } from '../delivery-estimates/dto/delivery-window.dto.js';
import {
  DeliveryEstimatesService,
  type ShipmentEstimateRequest,
} from '../delivery-estimates/delivery-estimates.service.js';
import type { ShipmentEstimate } from '../delivery-estimates/transit-statistics.js';
import { TrackingLinkSigner } from '../public-tracking/tracking-link.signer.js';
import type { CustomerOrderDto, OrderDto } from './dto/order.dto.js';
import type { OrderShipmentDto } from './dto/order-shipment.dto.js';
import type { TrackingInfoDto } from './dto/tracking-info.dto.js';
import { fulfilmentOf, latestMoved, shipmentsOf } from './order-fulfilment.js';
import { type OrderShipment, ShipmentStage } from './schemas/order-shipment.schema.js';
import type { LeanOrder } from './schemas/order.schema.js';

/**
 * The one place an order becomes a response. Everything comes from the order document: its
 * parcels' summaries are kept current by the tracking events, so no read needs the tracking
 * collection.
 */
@Injectable()
export class OrderViewAssembler {
  constructor(
    private readonly couriers: CourierRegistry,
    private readonly estimates: DeliveryEstimatesService,
    private readonly links: TrackingLinkSigner,
  ) {}

  /** Delivery estimates for every parcel on the page come from one call (cached lane statistics). */
  async many(orders: LeanOrder[]): Promise<OrderDto[]> {
    const estimates = await this.estimates.forShipments(orders.flatMap(estimateRequestsOf));
    const now = new Date();
    return orders.map((o) => this.toDto(o, estimates, now));
  }

  async one(order: LeanOrder): Promise<OrderDto> {
    const [dto] = await this.many([order]);
    return dto;
  }

  private toDto(order: LeanOrder, estimates: Map<string, ShipmentEstimate>, now: Date): OrderDto {
    const shipments = shipmentsOf(order);
    const views = shipments.map((s) => this.shipmentView(s, estimates.get(s.docketNumber)));
    const left = shipments.filter((s) => s.stage === ShipmentStage.Shipped);
    const latest = latestMoved(left);
    const info = latest
      ? trackingInfoOf(views[shipments.indexOf(latest)], latest)
      : trackingFromOrder(order);
    // The signed public tracking page, for every order (shipped or not); the courier's own page
    // for the parcel is courierTrackingUrl.
    const trackingInfo = { ...info, trackingUrl: this.links.urlFor(String(order._id), now) };
    return toOrderDto(order, trackingInfo, views, fulfilmentOf(order, shipments));
  }

  private shipmentView(s: OrderShipment, estimate?: ShipmentEstimate): OrderShipmentDto {
    const provider = this.couriers.has(s.courierService)
      ? this.couriers.get(s.courierService)
      : null;
    return {
      docketNumber: s.docketNumber,
      courierService: s.courierService,
      carrierName: s.carrierName ?? null,
      booked: s.booked,
      lines: s.lines.map((l) => ({
        product: String(l.product),
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
      })),
      stage: s.stage,
      status: s.status,
      estimatedDelivery: estimate ? estimate.estimatedDelivery : (s.estimatedDelivery ?? null),
      estimateSource: estimate ? estimate.estimateSource : s.estimatedDelivery ? 'courier' : null,
      estimatedDeliveryWindow: DeliveryWindowDto.of(estimate?.window ?? null),
      trackingHistory: (s.history ?? []).map((h) => ({
        status: h.status ?? null,
        code: h.code,
        description: h.description ?? '',
        location: h.location ?? null,
        occurredAt: h.occurredAt,
      })),
      trackingUrl: provider?.trackingUrl(s.docketNumber) ?? null,
      requestedAt: s.requestedAt,
      shippedAt: s.shippedAt ?? null,
      lastMovedAt: s.lastMovedAt,
      deliveredAt: s.deliveredAt ?? null,
      returnedAt: s.returnedAt ?? null,
      restocked: Boolean(s.restockedAt),
    };
  }
}

/** Parcels that have left; the ones still travelling get Docket's own estimate where due. */
function estimateRequestsOf(order: LeanOrder): ShipmentEstimateRequest[] {
  return shipmentsOf(order)
    .filter((s) => s.stage === ShipmentStage.Shipped)
    .map((s) => ({
      docketNumber: s.docketNumber,
      courierService: s.courierService,
      destinationPincode: order.shippingAddress.pincode,
      dispatchedAt: s.shippedAt ?? s.requestedAt,
      courierEstimatedDelivery: s.estimatedDelivery ?? null,
      finished: TERMINAL_TRACKING_STATUSES.has(s.status) || Boolean(s.returnedAt),
    }));
}

/** The seed's tracking block for one parcel. */
function trackingInfoOf(view: OrderShipmentDto, shipment: OrderShipment): TrackingInfoDto {
  return {
    hasTracking: true,
    docketNumber: view.docketNumber,
    courierService: view.courierService,
    status: view.status,
    estimatedDelivery: view.estimatedDelivery,
    estimateSource: view.estimateSource,
    estimatedDeliveryWindow: view.estimatedDeliveryWindow,
    trackingHistory: view.trackingHistory,
    lastUpdatedAt: shipment.lastUpdatedAt ?? null,
    trackingUrl: null,
    courierTrackingUrl: view.trackingUrl,
  };
}

/** Tracking as far as the order itself knows: the docket number once shipped, nothing live. */
export function trackingFromOrder(order: LeanOrder): TrackingInfoDto {
  return {
    hasTracking: false,
    docketNumber: order.trackingNumber ?? null,
    courierService: order.courierService ?? null,
    status: null,
    estimatedDelivery: null,
    estimateSource: null,
    estimatedDeliveryWindow: null,
    trackingHistory: [],
    lastUpdatedAt: null,
    trackingUrl: null,
    courierTrackingUrl: null,
  };
}

export function toOrderDto(
  order: LeanOrder,
  trackingInfo: TrackingInfoDto,
  shipments: OrderShipmentDto[] = [],
  fulfilment = fulfilmentOf(order),
): OrderDto {
  const address = order.shippingAddress;
  return {
    _id: String(order._id),
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
    orderStatus: order.status,
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
    shipments,
    fulfilment,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/**
 * What a customer sees of an order: everything but the ids of the admins who changed its
 * status (`statusHistory[].actor`).
 */
export function toCustomerView(order: OrderDto): CustomerOrderDto {
  return {
    ...order,
    statusHistory: order.statusHistory.map(({ actor: _actor, ...change }) => change),
  };
}
