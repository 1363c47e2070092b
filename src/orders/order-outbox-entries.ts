import { newOutboxKey, type OutboxEntry } from '../common/outbox/outbox-entry.js';
import { OrderStatus } from './order-status.js';
import type { LeanOrder, Order, StatusChange } from './schemas/order.schema.js';

/**
 * The outbox record of one status change, pushed in the same update as the change. `index`: its
 * place among several changes written together (the order's history grows by each).
 */
export function statusChangedEntry(order: LeanOrder, change: StatusChange, index = 0): OutboxEntry {
  return {
    key: newOutboxKey(change.at.getTime()),
    type: 'order.status_changed',
    orderId: String(order._id),
    orderNumber: order.orderNumber,
    userId: String(order.user),
    occurredAt: change.at,
    docSeq: order.statusHistory.length + index,
    data: { from: change.from, to: change.to, source: change.source, note: change.note },
  };
}

/** The outbox record written with a new order. */
export function createdEntry(
  orderId: string,
  orderNumber: string,
  draft: Pick<Order, 'user' | 'statusHistory'>,
): OutboxEntry {
  const at = draft.statusHistory[0]?.at ?? new Date();
  return {
    key: newOutboxKey(at.getTime()),
    type: 'order.created',
    orderId,
    orderNumber,
    userId: String(draft.user),
    occurredAt: at,
    docSeq: 0,
    data: { status: OrderStatus.Pending },
  };
}
