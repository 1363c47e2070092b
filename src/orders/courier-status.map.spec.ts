import { describe, expect, it } from 'vitest';
import { TrackingStatus } from '../courier/tracking-status.js';
import { courierMoves, ORDER_STATUS_FOR_TRACKING } from './courier-status.map.js';
import { OrderStatus } from './order-status.js';

const T = TrackingStatus;
const { Pending, Processing, Shipped, Delivered, Cancelled, Returned } = OrderStatus;

describe('courier status → order status', () => {
  it("maps the seed's six statuses as the seed does", () => {
    expect(ORDER_STATUS_FOR_TRACKING[T.OrderPlaced]).toBe(Pending);
    expect(ORDER_STATUS_FOR_TRACKING[T.Processing]).toBe(Processing);
    expect(ORDER_STATUS_FOR_TRACKING[T.Packaging]).toBe(Processing);
    expect(ORDER_STATUS_FOR_TRACKING[T.OnTheRoad]).toBe(Shipped);
    expect(ORDER_STATUS_FOR_TRACKING[T.Delivered]).toBe(Delivered);
    expect(ORDER_STATUS_FOR_TRACKING[T.Cancelled]).toBe(Cancelled);
  });

  it('keeps out-for-delivery, failed attempts and returns in transit as shipped; RTO as returned', () => {
    expect(ORDER_STATUS_FOR_TRACKING[T.OutForDelivery]).toBe(Shipped);
    expect(ORDER_STATUS_FOR_TRACKING[T.DeliveryFailed]).toBe(Shipped);
    expect(ORDER_STATUS_FOR_TRACKING[T.ReturningToOrigin]).toBe(Shipped);
    expect(ORDER_STATUS_FOR_TRACKING[T.ReturnedToOrigin]).toBe(Returned);
  });

  it.each([
    [Shipped, T.Delivered, [Delivered]],
    [Shipped, T.ReturnedToOrigin, [Returned]],
    [Shipped, T.Cancelled, [Cancelled]],
    [Pending, T.Processing, [Processing]],
    [Pending, T.OnTheRoad, [Shipped]],
    [Processing, T.Delivered, [Shipped, Delivered]],
    [Pending, T.ReturnedToOrigin, [Shipped, Returned]],
  ])('moves %s forward on %s through %j', (current, tracking, moves) => {
    expect(courierMoves(current, tracking)).toEqual(moves);
  });

  it.each([
    [Shipped, T.Processing],
    [Shipped, T.OrderPlaced],
    [Shipped, T.OnTheRoad],
    [Shipped, T.OutForDelivery],
    [Delivered, T.OnTheRoad],
    [Delivered, T.Cancelled],
    [Delivered, T.Delivered],
    [Cancelled, T.Delivered],
    [Returned, T.Delivered],
    [Cancelled, T.ReturnedToOrigin],
  ])('never moves %s backwards or sideways on %s', (current, tracking) => {
    expect(courierMoves(current, tracking)).toEqual([]);
  });
});
