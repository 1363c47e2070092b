import type { LeanOrder } from './schemas/order.schema.js';

/**
 * An order's revision: it grows with every write that changes what the order's view shows
 * (a status change appends to `statusHistory`; a parcel or cancelled-line change bumps
 * `shipmentsVersion`), so a summary or snapshot can tell whether it is behind.
 */
export function revisionOf(
  order: Pick<LeanOrder, 'shipmentsVersion'> & { statusHistory: readonly unknown[] },
): number {
  return order.statusHistory.length + (order.shipmentsVersion ?? 0);
}
