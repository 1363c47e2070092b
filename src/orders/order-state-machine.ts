import { IllegalStatusTransitionError } from './orders.errors.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';

const { Pending, Processing, Shipped, Delivered, Cancelled, Returned } = OrderStatus;

/**
 * The one table of legal order status moves. Everything that changes an order's status
 * (customer cancel, admin moves, the shipping flow, courier events) goes through
 * `OrdersService`, which checks this table.
 *
 * - An order can ship straight from `pending` (no separate packing step) or from `processing`.
 * - `returned` covers both a customer return after delivery and a courier RTO (return to
 *   origin) while in transit.
 * - `shipped → cancelled` is the courier cancelling the booking before pickup (see
 *   COURIER_ONLY_MOVES); the parcel never left, so its units go back in stock.
 * - `cancelled` and `returned` are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [Pending]: [Processing, Shipped, Cancelled],
  [Processing]: [Shipped, Cancelled],
  [Shipped]: [Delivered, Returned, Cancelled],
  [Delivered]: [Returned],
  [Cancelled]: [],
  [Returned]: [],
};

/** Moves only the courier can cause: nobody at our end can un-ship a parcel by hand. */
const COURIER_ONLY_MOVES: ReadonlyArray<readonly [OrderStatus, OrderStatus]> = [
  [Shipped, Cancelled],
];

/** Statuses in which the order's units are still reserved off the shelf. */
export const STOCK_HOLDING_STATUSES: readonly OrderStatus[] = [Pending, Processing];

/** Statuses from which an order can be shipped. */
export const SHIPPABLE_STATUSES: readonly OrderStatus[] = [Pending, Processing];

/** Whether the move is legal; with no `source`, whether it is legal for anyone. */
export function canTransition(
  from: OrderStatus,
  to: OrderStatus,
  source?: StatusChangeSource,
): boolean {
  if (!ORDER_TRANSITIONS[from].includes(to)) return false;
  const courierOnly = COURIER_ONLY_MOVES.some(([f, t]) => f === from && t === to);
  return !courierOnly || source === StatusChangeSource.Courier;
}

/**
 * Whether moving to `to` is a no-op (already there). @throws IllegalStatusTransitionError
 * when the move is not in the table (or not open to `source`).
 */
export function checkTransition(
  from: OrderStatus,
  to: OrderStatus,
  orderNumber?: string,
  source?: StatusChangeSource,
): 'noop' | 'move' {
  if (from === to) return 'noop';
  if (!canTransition(from, to, source)) {
    throw new IllegalStatusTransitionError(from, to, orderNumber);
  }
  return 'move';
}

/**
 * A move that takes the order's units back onto the shelf (exactly once, by the winner): a
 * cancelled order that still held them, or a shipment the courier cancelled before pickup.
 */
export function releasesStock(from: OrderStatus, to: OrderStatus): boolean {
  return to === Cancelled && (STOCK_HOLDING_STATUSES.includes(from) || from === Shipped);
}

export function isFinal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}
