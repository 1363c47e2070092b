import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { TrackingStatus } from '../courier/tracking-status.js';
import {
  fulfilmentOf,
  latestMoved,
  linesToShip,
  movesTo,
  orderStatusFromShipments,
  shipmentsOf,
} from './order-fulfilment.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';
import { type OrderShipment, ShipmentStage } from './schemas/order-shipment.schema.js';
import type { LeanOrder } from './schemas/order.schema.js';

const RING = new Types.ObjectId();
const CHAIN = new Types.ObjectId();

function order(fields: Partial<LeanOrder> = {}): LeanOrder {
  return {
    _id: new Types.ObjectId(),
    orderNumber: 'DKT-1',
    user: new Types.ObjectId(),
    customerEmail: 'a@example.in',
    items: [
      {
        product: RING,
        sku: 'R',
        name: 'Ring',
        unitPricePaise: 100,
        quantity: 2,
        lineTotalPaise: 200,
      },
      {
        product: CHAIN,
        sku: 'C',
        name: 'Chain',
        unitPricePaise: 50,
        quantity: 1,
        lineTotalPaise: 50,
      },
    ],
    subtotalPaise: 250,
    shippingFeePaise: 0,
    totalPaise: 250,
    currency: 'INR',
    shippingAddress: {
      fullName: 'A',
      phone: '9876543210',
      line1: 'x',
      city: 'y',
      state: 'z',
      pincode: '560003',
      country: 'IN',
    },
    status: OrderStatus.Pending,
    statusHistory: [],
    outbox: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...fields,
  };
}

function parcel(
  docketNumber: string,
  lines: Array<[Types.ObjectId, number]>,
  status = TrackingStatus.OnTheRoad,
  stage = ShipmentStage.Shipped,
  movedAt = 0,
): OrderShipment {
  return {
    docketNumber,
    courierService: 'Manual',
    carrierName: 'X',
    booked: false,
    lines: lines.map(([product, quantity]) => ({ product, sku: 's', name: 'n', quantity })),
    stage,
    status,
    estimatedDelivery: null,
    history: [],
    requestedBy: 'admin',
    requestedAt: new Date(movedAt),
    shippedAt: new Date(movedAt),
    lastMovedAt: new Date(movedAt),
    lastUpdatedAt: null,
    deliveredAt: null,
    returnedAt: null,
    restockedAt: null,
    note: null,
  };
}

describe('order fulfilment', () => {
  it('takes every unshipped unit by default and only what is left when lines are named', () => {
    const o = order();
    const first = [parcel('A', [[RING, 1]])];
    expect(
      linesToShip(o, first, undefined).lines.map((l) => [String(l.product), l.quantity]),
    ).toEqual([
      [String(RING), 1],
      [String(CHAIN), 1],
    ]);
    expect(linesToShip(o, first, [{ product: String(RING), quantity: 2 }]).unshippable).toEqual([
      { product: String(RING), requested: 2, available: 1 },
    ]);
  });

  it('counts units of a courier-cancelled parcel as cancelled, not shippable again', () => {
    const o = order();
    const shipments = [parcel('A', [[RING, 2]], TrackingStatus.Cancelled)];
    expect(fulfilmentOf(o, shipments)).toMatchObject({ shipped: 0, cancelled: 2, unshipped: 1 });
    expect(linesToShip(o, shipments, undefined).lines).toHaveLength(1);
  });

  it('is shipped only once every unit left, delivered when all parcels are, returned when all came back', () => {
    const o = order();
    const one = parcel('A', [[RING, 2]]);
    expect(orderStatusFromShipments(o, [one])).toBeNull();
    const requested = parcel(
      'B',
      [[CHAIN, 1]],
      TrackingStatus.OrderPlaced,
      ShipmentStage.Requested,
    );
    expect(orderStatusFromShipments(o, [one, requested])).toBeNull();
    const two = parcel('B', [[CHAIN, 1]]);
    expect(orderStatusFromShipments(o, [one, two])).toBe(OrderStatus.Shipped);
    const delivered = { ...one, status: TrackingStatus.Delivered };
    expect(orderStatusFromShipments(o, [delivered, two])).toBe(OrderStatus.Shipped);
    const back = { ...two, status: TrackingStatus.ReturnedToOrigin };
    expect(orderStatusFromShipments(o, [delivered, back])).toBe(OrderStatus.Delivered);
    const allBack = { ...one, status: TrackingStatus.ReturnedToOrigin };
    expect(orderStatusFromShipments(o, [allBack, back])).toBe(OrderStatus.Returned);
  });

  it('is cancelled when nothing is left to ship or deliver', () => {
    const o = order({ cancelledLines: [{ product: CHAIN, sku: 'C', name: 'Chain', quantity: 1 }] });
    expect(orderStatusFromShipments(o, [parcel('A', [[RING, 2]], TrackingStatus.Cancelled)])).toBe(
      OrderStatus.Cancelled,
    );
  });

  it('moves through shipped when the order never was, and never backwards', () => {
    const courier = StatusChangeSource.Courier;
    expect(movesTo(OrderStatus.Pending, OrderStatus.Delivered, courier)).toEqual([
      OrderStatus.Shipped,
      OrderStatus.Delivered,
    ]);
    expect(movesTo(OrderStatus.Delivered, OrderStatus.Shipped, courier)).toEqual([]);
    expect(movesTo(OrderStatus.Shipped, null, courier)).toEqual([]);
    expect(movesTo(OrderStatus.Shipped, OrderStatus.Cancelled, StatusChangeSource.Admin)).toEqual(
      [],
    );
  });

  it('reads a legacy single-docket order as one parcel of every line', () => {
    const legacy = order({ status: OrderStatus.Delivered, trackingNumber: '0581094993' });
    const [only] = shipmentsOf(legacy);
    expect(only).toMatchObject({ docketNumber: '0581094993', status: TrackingStatus.Delivered });
    expect(fulfilmentOf(legacy)).toMatchObject({ ordered: 3, shipped: 3, delivered: 3 });
  });

  it('names the parcel that moved last for the seed trackingInfo', () => {
    const a = parcel('A', [[RING, 1]], TrackingStatus.Delivered, ShipmentStage.Shipped, 20);
    const b = parcel('B', [[RING, 1]], TrackingStatus.OnTheRoad, ShipmentStage.Shipped, 10);
    expect(latestMoved([a, b])?.docketNumber).toBe('A');
    expect(latestMoved([])).toBeNull();
  });
});
