import { Types } from 'mongoose';
import { TrackingStatus } from '../courier/tracking-status.js';
import { canTransition } from './order-state-machine.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';
import {
  type OrderShipment,
  type ShipmentLine,
  ShipmentStage,
} from './schemas/order-shipment.schema.js';
import type { LeanOrder } from './schemas/order.schema.js';

/** Quantities of one order line (or of the whole order) by where its units are. */
export interface LineFulfilment {
  ordered: number;
  /** Units in parcels that have left (stage `shipped`, not cancelled by the courier). */
  shipped: number;
  delivered: number;
  /** Units that came back (RTO or an admin-recorded return). */
  returned: number;
  /** Units cancelled before they shipped (including parcels whose booking was cancelled). */
  cancelled: number;
  /** Units not in any parcel and not cancelled: what the next ship call takes by default. */
  unshipped: number;
}

export interface Fulfilment extends LineFulfilment {
  lines: Array<LineFulfilment & { product: string; sku: string; name: string }>;
}

export interface RequestedLine {
  product: string;
  quantity: number;
}

/** A requested quantity is more than the line has left to ship (or not on the order at all). */
export interface UnshippableLine {
  product: string;
  requested: number;
  available: number;
}

const LEGACY_STATUS: Partial<Record<OrderStatus, TrackingStatus>> = {
  [OrderStatus.Shipped]: TrackingStatus.OnTheRoad,
  [OrderStatus.Delivered]: TrackingStatus.Delivered,
  [OrderStatus.Returned]: TrackingStatus.ReturnedToOrigin,
  [OrderStatus.Cancelled]: TrackingStatus.Cancelled,
};

/**
 * The order's parcels. Orders shipped before `shipments` existed carry one docket
 * (`trackingNumber`, or a half-done legacy `shipment` request): read as one parcel of every line.
 */
export function shipmentsOf(order: LeanOrder): OrderShipment[] {
  if (order.shipments && order.shipments.length > 0) return order.shipments;
  const docket = order.trackingNumber ?? order.shipment?.docketNumber;
  if (!docket) return [];
  const at = order.shipment?.requestedAt ?? order.updatedAt;
  const shipped = Boolean(order.trackingNumber);
  return [
    {
      docketNumber: docket,
      courierService: order.courierService ?? order.shipment?.courierService ?? 'Sequel247',
      carrierName: null,
      booked: order.shipment?.booked ?? false,
      lines: order.items.map((item) => ({
        product: item.product,
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
      })),
      stage: shipped ? ShipmentStage.Shipped : ShipmentStage.Requested,
      status: LEGACY_STATUS[order.status] ?? TrackingStatus.OrderPlaced,
      estimatedDelivery: null,
      history: [],
      requestedBy: order.shipment?.requestedBy ?? '',
      requestedAt: at,
      shippedAt: shipped ? at : null,
      lastMovedAt: at,
      lastUpdatedAt: null,
      deliveredAt: null,
      returnedAt: null,
      restockedAt: null,
      note: null,
    },
  ];
}

/** Courier-cancelled parcels carried nothing: their units count as cancelled. */
export function isLive(shipment: Pick<OrderShipment, 'status'>): boolean {
  return shipment.status !== TrackingStatus.Cancelled;
}

function sumByProduct(
  shipments: readonly OrderShipment[],
  include: (s: OrderShipment) => boolean,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const shipment of shipments) {
    if (!include(shipment)) continue;
    for (const line of shipment.lines) addTo(totals, String(line.product), line.quantity);
  }
  return totals;
}

function addTo(totals: Map<string, number>, key: string, quantity: number): void {
  totals.set(key, (totals.get(key) ?? 0) + quantity);
}

/** Units per product already in a parcel (any stage) or cancelled: not available to ship. */
function takenByProduct(
  order: LeanOrder,
  shipments: readonly OrderShipment[],
): Map<string, number> {
  const taken = sumByProduct(shipments, isLive);
  for (const line of order.cancelledLines ?? []) addTo(taken, String(line.product), line.quantity);
  for (const [product, quantity] of sumByProduct(shipments, (s) => !isLive(s))) {
    addTo(taken, product, quantity);
  }
  return taken;
}

/** Units per product that no parcel has claimed and nobody cancelled. */
export function unshippedByProduct(
  order: LeanOrder,
  shipments: readonly OrderShipment[] = shipmentsOf(order),
): Map<string, number> {
  const taken = takenByProduct(order, shipments);
  const left = new Map<string, number>();
  for (const item of order.items) {
    const product = String(item.product);
    left.set(product, Math.max(0, item.quantity - (taken.get(product) ?? 0)));
  }
  return left;
}

/**
 * The lines a ship request takes: the requested quantities (merged per product), or every
 * unshipped unit when none are given. Returns the problems instead when any quantity is more
 * than is left, so the caller can answer 409 naming each line.
 */
export function linesToShip(
  order: LeanOrder,
  shipments: readonly OrderShipment[],
  requested: readonly RequestedLine[] | undefined,
): { lines: ShipmentLine[]; unshippable: UnshippableLine[] } {
  const left = unshippedByProduct(order, shipments);
  const wanted = new Map<string, number>();
  if (requested && requested.length > 0) {
    for (const line of requested) addTo(wanted, line.product.toLowerCase(), line.quantity);
  } else {
    for (const [product, quantity] of left) if (quantity > 0) wanted.set(product, quantity);
  }
  const unshippable: UnshippableLine[] = [];
  for (const [product, quantity] of wanted) {
    const available = left.get(product) ?? 0;
    if (quantity > available) unshippable.push({ product, requested: quantity, available });
  }
  const lines: ShipmentLine[] = order.items
    .filter((item) => wanted.has(String(item.product)))
    .map((item) => ({
      product: new Types.ObjectId(String(item.product)),
      sku: item.sku,
      name: item.name,
      quantity: wanted.get(String(item.product))!,
    }));
  return { lines, unshippable };
}

export function fulfilmentOf(
  order: LeanOrder,
  shipments: readonly OrderShipment[] = shipmentsOf(order),
): Fulfilment {
  const left = shipments.filter((s) => isLive(s) && s.stage === ShipmentStage.Shipped);
  const shipped = sumByProduct(left, () => true);
  const delivered = sumByProduct(left, (s) => s.status === TrackingStatus.Delivered);
  const returned = sumByProduct(left, (s) => s.status === TrackingStatus.ReturnedToOrigin);
  const cancelled = sumByProduct(shipments, (s) => !isLive(s));
  for (const line of order.cancelledLines ?? []) {
    addTo(cancelled, String(line.product), line.quantity);
  }
  const unshipped = unshippedByProduct(order, shipments);
  const lines = order.items.map((item) => {
    const product = String(item.product);
    return {
      product,
      sku: item.sku,
      name: item.name,
      ordered: item.quantity,
      shipped: shipped.get(product) ?? 0,
      delivered: delivered.get(product) ?? 0,
      returned: returned.get(product) ?? 0,
      cancelled:
        order.status === OrderStatus.Cancelled && shipments.length === 0
          ? item.quantity
          : (cancelled.get(product) ?? 0),
      unshipped:
        order.status === OrderStatus.Cancelled && shipments.length === 0
          ? 0
          : (unshipped.get(product) ?? 0),
    };
  });
  const total = (key: keyof LineFulfilment) => lines.reduce((sum, l) => sum + l[key], 0);
  return {
    ordered: total('ordered'),
    shipped: total('shipped'),
    delivered: total('delivered'),
    returned: total('returned'),
    cancelled: total('cancelled'),
    unshipped: total('unshipped'),
    lines,
  };
}

/**
 * The order status the parcels imply, or null when they imply no change (units still
 * unshipped). `shipped` once every unit not cancelled is in a parcel that has left; `delivered`
 * when every such parcel is delivered or back (at least one delivered); `returned` when every
 * shipped unit came back; `cancelled` when nothing is left to ship or deliver.
 */
export function orderStatusFromShipments(
  order: LeanOrder,
  shipments: readonly OrderShipment[],
): OrderStatus | null {
  const f = fulfilmentOf(order, shipments);
  if (f.ordered - f.cancelled === 0) return OrderStatus.Cancelled;
  if (f.unshipped > 0) return null;
  const left = shipments.filter((s) => isLive(s));
  if (left.some((s) => s.stage !== ShipmentStage.Shipped)) return null;
  if (left.every((s) => s.status === TrackingStatus.ReturnedToOrigin)) return OrderStatus.Returned;
  if (
    left.every(
      (s) => s.status === TrackingStatus.Delivered || s.status === TrackingStatus.ReturnedToOrigin,
    )
  ) {
    return OrderStatus.Delivered;
  }
  return OrderStatus.Shipped;
}

/** Legal moves (for `source`) from `current` to `target`: none, one, or two through `shipped`. */
export function movesTo(
  current: OrderStatus,
  target: OrderStatus | null,
  source: StatusChangeSource,
): OrderStatus[] {
  if (target === null || target === current) return [];
  if (canTransition(current, target, source)) return [target];
  const { Shipped } = OrderStatus;
  if (canTransition(current, Shipped, source) && canTransition(Shipped, target, source)) {
    return [Shipped, target];
  }
  return [];
}

/** The parcel that moved last (the one the seed's `trackingInfo` describes), or null. */
export function latestMoved(shipments: readonly OrderShipment[]): OrderShipment | null {
  let latest: OrderShipment | null = null;
  for (const shipment of shipments) {
    if (!latest || shipment.lastMovedAt.getTime() >= latest.lastMovedAt.getTime()) {
      latest = shipment;
    }
  }
  return latest;
}
