import { newOutboxKey, type OutboxEntry } from '../common/outbox/outbox-entry.js';
import type { CourierOutcome } from './tracking-state.js';
import type { StoredTracking } from './tracking-view.js';

type TrackingRef = Pick<StoredTracking, 'order' | 'orderNumber' | 'user' | 'docketNumber'>;

function base(doc: TrackingRef, docSeq: number, at: Date) {
  return {
    key: newOutboxKey(),
    orderId: String(doc.order),
    orderNumber: doc.orderNumber,
    userId: String(doc.user),
    occurredAt: at,
    docSeq,
  };
}

/** The outbox record written with a new tracking. */
export function shipmentCreatedEntry(
  doc: TrackingRef & { courierService: string },
  at: Date,
): OutboxEntry {
  return {
    ...base(doc, 0, at),
    type: 'shipment.created',
    data: { docketNumber: doc.docketNumber, courierService: doc.courierService },
  };
}

/**
 * The outbox records of one sync write: a `shipment.scan_added` when the courier's history grew,
 * then a `shipment.status_changed` when the normalised status moved. Written in the same update
 * as the sync's changes.
 */
export function syncEntries(
  doc: TrackingRef & { syncSeq?: number },
  outcome: CourierOutcome,
  now: Date,
): OutboxEntry[] {
  const docSeq = (doc.syncSeq ?? 0) + 1;
  const entries: OutboxEntry[] = [];
  const history = outcome.changes.history ?? [];
  if (outcome.addedScans > 0) {
    const latest = history[history.length - 1];
    entries.push({
      ...base(doc, docSeq, latest?.occurredAt ?? now),
      type: 'shipment.scan_added',
      data: {
        docketNumber: doc.docketNumber,
        status: outcome.status,
        scansAdded: outcome.addedScans,
        latestScan: latest ?? null,
      },
    });
  }
  if (outcome.statusChanged) {
    entries.push({
      ...base(doc, docSeq, outcome.statusOccurredAt),
      type: 'shipment.status_changed',
      data: {
        docketNumber: doc.docketNumber,
        previousStatus: outcome.previousStatus,
        status: outcome.status,
        estimatedDelivery: outcome.changes.estimatedDelivery ?? null,
      },
    });
  }
  return entries;
}
