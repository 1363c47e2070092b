import type { TrackingStatus } from '../../courier/tracking-status.js';
import type { HistoryEntry } from '../tracking-history.js';

/**
 * A tracking's normalised status really changed (or, with `replayed`, reconcile re-sends a change
 * the Orders side has not acknowledged yet). Listeners must be idempotent and must not suppress
 * their errors: the change counts as acknowledged once every listener has returned (even having
 * done nothing), and Tracking records that itself; a listener that throws leaves it to reconcile.
 */
export class ShipmentStatusChangedEvent {
  static readonly eventName = 'tracking.shipment-status-changed';

  readonly trackingId: string;
  readonly orderId: string;
  readonly orderNumber: string;
  readonly userId: string;
  readonly docketNumber: string;
  /** The provider the shipment is tracked with (registry key), e.g. `Sequel247`, `Manual`. */
  readonly courierService: string;
  /** The status before this change; for a replay, the last status the Orders side acknowledged. */
  readonly previousStatus: TrackingStatus | null;
  readonly status: TrackingStatus;
  readonly rawStatusCode: string | null;
  /** When the courier scanned the new status (UTC); the sync time when no scan says. */
  readonly occurredAt: Date;
  readonly estimatedDelivery: Date | null;
  /** The tracking's whole scan history after the change, oldest first. */
  readonly history: HistoryEntry[];
  /** True when re-emitted by reconcile rather than by a sync. */
  readonly replayed: boolean;

  constructor(fields: Omit<ShipmentStatusChangedEvent, 'replayed'> & { replayed?: boolean }) {
    this.trackingId = fields.trackingId;
    this.orderId = fields.orderId;
    this.orderNumber = fields.orderNumber;
    this.userId = fields.userId;
    this.docketNumber = fields.docketNumber;
    this.courierService = fields.courierService;
    this.previousStatus = fields.previousStatus;
    this.status = fields.status;
    this.rawStatusCode = fields.rawStatusCode;
    this.occurredAt = fields.occurredAt;
    this.estimatedDelivery = fields.estimatedDelivery;
    this.history = fields.history;
    this.replayed = fields.replayed ?? false;
  }
}
