import type { TrackingStatus } from '../courier/tracking-status.js';
import type { HistoryEntry } from './tracking-history.js';
import type { Tracking } from './schemas/tracking.schema.js';

export interface TrackedItemView {
  product: string;
  sku: string;
  name: string;
  quantity: number;
}

/** A tracking as TrackingService hands it out (ids as strings, every field). */
export interface TrackingView {
  id: string;
  orderId: string;
  orderNumber: string;
  userId: string;
  customerEmail: string;
  items: TrackedItemView[];
  docketNumber: string;
  courierService: string;
  /** The courier's public tracking page for this docket (null for couriers without one). */
  trackingUrl: string | null;
  status: TrackingStatus;
  rawStatusCode: string | null;
  estimatedDelivery: Date | null;
  history: HistoryEntry[];
  lastScanAt: Date | null;
  lastSyncedAt: Date | null;
  lastAttemptAt: Date | null;
  nextSyncAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
  terminal: boolean;
  stale: boolean;
  orderStatusAcknowledged: TrackingStatus | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The stored scan history as plain entries (defaults for fields older records may lack). */
export function historyOf(doc: Pick<StoredTracking, 'history'>): HistoryEntry[] {
  return (doc.history ?? []).map((h) => ({
    status: h.status ?? null,
    code: h.code,
    description: h.description ?? '',
    location: h.location ?? null,
    occurredAt: h.occurredAt,
  }));
}

/** A tracking as read with `.lean()`. */
export type StoredTracking = Tracking;

export function toTrackingView(
  doc: StoredTracking,
  trackingUrlOf: (trackingNumber: string) => string | null,
): TrackingView {
  return {
    id: doc._id,
    orderId: String(doc.order),
    orderNumber: doc.orderNumber,
    userId: String(doc.user),
    customerEmail: doc.customerEmail,
    items: (doc.items ?? []).map((item) => ({
      product: String(item.product),
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
    })),
    docketNumber: doc.docketNumber,
    courierService: doc.courierService,
    trackingUrl: trackingUrlOf(doc.docketNumber),
    status: doc.status,
    rawStatusCode: doc.rawStatusCode ?? null,
    estimatedDelivery: doc.estimatedDelivery ?? null,
    history: historyOf(doc),
    lastScanAt: doc.lastScanAt ?? null,
    lastSyncedAt: doc.lastSyncedAt ?? null,
    lastAttemptAt: doc.lastAttemptAt ?? null,
    nextSyncAt: doc.nextSyncAt ?? null,
    consecutiveFailures: doc.consecutiveFailures ?? 0,
    lastError: doc.lastError ?? null,
    terminal: doc.terminal ?? false,
    stale: doc.stale ?? false,
    orderStatusAcknowledged: doc.orderStatusAcknowledged ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
