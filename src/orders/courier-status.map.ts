import { TrackingStatus } from '../courier/tracking-status.js';
import { canTransition } from './order-state-machine.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';

/** The order status each courier tracking status implies (the seed's table, extended). */
export const ORDER_STATUS_FOR_TRACKING: Readonly<Record<TrackingStatus, OrderStatus>> = {
  [TrackingStatus.OrderPlaced]: OrderStatus.Pending,
  [TrackingStatus.Processing]: OrderStatus.Processing,
  [TrackingStatus.Packaging]: OrderStatus.Processing,
  [TrackingStatus.OnTheRoad]: OrderStatus.Shipped,
  [TrackingStatus.OutForDelivery]: OrderStatus.Shipped,
  [TrackingStatus.DeliveryFailed]: OrderStatus.Shipped,
  [TrackingStatus.Exception]: OrderStatus.Shipped,
  [TrackingStatus.ReturningToOrigin]: OrderStatus.Shipped,
  [TrackingStatus.Delivered]: OrderStatus.Delivered,
  [TrackingStatus.ReturnedToOrigin]: OrderStatus.Returned,
  [TrackingStatus.Cancelled]: OrderStatus.Cancelled,
};

/** How far along an order is; the courier only ever moves an order to a higher rank. */
const PROGRESS: Readonly<Record<OrderStatus, number>> = {
  [OrderStatus.Pending]: 0,
  [OrderStatus.Processing]: 1,
  [OrderStatus.Shipped]: 2,
  [OrderStatus.Delivered]: 3,
  [OrderStatus.Cancelled]: 3,
  [OrderStatus.Returned]: 4,
};

/**
 * The moves that bring an order in `current` up to what the courier reports, each legal in the
 * order state machine: none when that would go backwards or sideways (a stale poll cannot undo
 * `delivered`); two when an order the courier already carries was never marked shipped (a
 * half-done ship), e.g. `pending → shipped → delivered`.
 */
export function courierMoves(current: OrderStatus, tracking: TrackingStatus): OrderStatus[] {
  const target = ORDER_STATUS_FOR_TRACKING[tracking];
  if (PROGRESS[target] <= PROGRESS[current]) return [];
  const courier = StatusChangeSource.Courier;
  if (canTransition(current, target, courier)) return [target];
  const { Shipped } = OrderStatus;
  if (canTransition(current, Shipped, courier) && canTransition(Shipped, target, courier)) {
    return [Shipped, target];
  }
  return [];
}
