import type { OutboxRecord } from '../outbox/outbox-record.js';

export type EmailMilestone =
  | 'shipped'
  | 'out_for_delivery'
  | 'delivery_failed'
  | 'delivered'
  | 'returned_to_origin'
  | 'cancelled';

/**
 * The customer-email milestone a change is, if any. Order-level milestones come from order
 * status changes, the courier-only ones (out for delivery, failed attempt) from shipment status
 * changes, so no milestone is mailed twice (a delivered shipment also moves the order to
 * delivered: only the order's change is mailed).
 */
export function emailMilestoneOf(record: OutboxRecord): EmailMilestone | null {
  if (record.type === 'order.status_changed') {
    switch (record.data.to) {
      case 'shipped':
        return 'shipped';
      case 'delivered':
        return 'delivered';
      case 'cancelled':
        return 'cancelled';
      case 'returned':
        return 'returned_to_origin';
      default:
        return null;
    }
  }
  if (record.type === 'shipment.status_changed') {
    if (record.data.status === 'OUT_FOR_DELIVERY') return 'out_for_delivery';
    if (record.data.status === 'DELIVERY_FAILED') return 'delivery_failed';
  }
  return null;
}
