import { IllegalStatusTransitionError } from './orders.errors.js';
import { OrderStatus } from './order-status.js';

const { Pending, Processing, Shipped, Delivered, Cancelled, Returned } = OrderStatus;

/**
 * The one table of legal order status moves. Everything that changes an order's status
 * (customer cancel, admin moves, the shipping flow, courier events) goes through
 * `OrdersService.changeStatus`, which checks this table.
 *
 * - An order can ship straight from `pending` (no separate packing step) or from `processing`.
 * - `returned` covers both a customer return after delivery and a courier RTO (return to
 *   origin) while in transit.
 * - `cancelled` and `returned` are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [Pending]: [Processing, Shipped, Cancelled],
  [Processing]: [Shipped, Cancelled],
  [Shipped]: [Delivered, Returned],
  [Delivered]: [Returned],
  [Cancelled]: [],
  [Returned]: [],
};

/** Statuses in which the order's units are still reserved off the shelf. */
export const STOCK_HOLDING_STATUSES: readonly OrderStatus[] = [Pending, Processing];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/**
 * Whether moving to `to` is a no-op (already there). @throws IllegalStatusTransitionError
 * when the move is not in the table.
 */
export function checkTransition(
  from: OrderStatus,
  to: OrderStatus,
  orderNumber?: string,
): 'noop' | 'move' {
  if (from === to) return 'noop';
  if (!canTransition(from, to)) throw new IllegalStatusTransitionError(from, to, orderNumber);
  return 'move';
}

/** A move that takes the order's units back onto the shelf (exactly once, by the winner). */
export function releasesStock(from: OrderStatus, to: OrderStatus): boolean {
  return to === Cancelled && STOCK_HOLDING_STATUSES.includes(from);
}

export function isFinal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}
