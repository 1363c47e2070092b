import type { TrackingStatus } from '../../courier/tracking-status.js';
import type { HistoryEntry } from '../tracking-history.js';

/**
 * A tracking's scans or ETA changed without a status change (a new scan of the same status, a
 * late scan, a new ETA). Informational: not acknowledged or replayed — the next status change
 * carries the whole history again.
 */
export class ShipmentTrackingUpdatedEvent {
  static readonly eventName = 'tracking.shipment-tracking-updated';

  constructor(
    readonly orderId: string,
    readonly docketNumber: string,
    readonly courierService: string,
    readonly status: TrackingStatus,
    readonly estimatedDelivery: Date | null,
    /** The whole scan history after the change, oldest first. */
    readonly history: HistoryEntry[],
    readonly occurredAt: Date,
  ) {}
}
