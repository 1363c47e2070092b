import type { TrackingScan } from '../courier/courier-provider.interface.js';
import { TERMINAL_TRACKING_STATUSES, TrackingStatus } from '../courier/tracking-status.js';

/** One scan as stored on a tracking. `status` is null for a code we do not know. */
export interface HistoryEntry {
  status: TrackingStatus | null;
  code: string;
  description: string;
  location: string | null;
  occurredAt: Date;
}

/**
 * How far along a shipment is. A tracking only ever moves to a status of equal or higher rank,
 * so a stale or cached courier answer can never move it backwards.
 *
 * - The forward path: ORDER_PLACED 0 → PROCESSING 1 → PACKAGING 2 → ON_THE_ROAD 3 →
 *   OUT_FOR_DELIVERY 4.
 * - DELIVERY_FAILED shares rank 4 with OUT_FOR_DELIVERY: a failed attempt is followed by another
 *   attempt the next day, so the two alternate.
 * - EXCEPTION shares rank 3 with ON_THE_ROAD and may be entered from any non-terminal state (a
 *   parcel can be held anywhere); after it the courier's next status counts from ON_THE_ROAD.
 * - RETURNING_TO_ORIGIN 5: past every delivery attempt.
 * - The terminal states DELIVERED, CANCELLED and RETURNED_TO_ORIGIN rank 6 and are final: once
 *   reached, nothing changes the status again.
 */
export const TRACKING_STATUS_RANK: Readonly<Record<TrackingStatus, number>> = {
  [TrackingStatus.OrderPlaced]: 0,
  [TrackingStatus.Processing]: 1,
  [TrackingStatus.Packaging]: 2,
  [TrackingStatus.OnTheRoad]: 3,
  [TrackingStatus.Exception]: 3,
  [TrackingStatus.OutForDelivery]: 4,
  [TrackingStatus.DeliveryFailed]: 4,
  [TrackingStatus.ReturningToOrigin]: 5,
  [TrackingStatus.Delivered]: 6,
  [TrackingStatus.Cancelled]: 6,
  [TrackingStatus.ReturnedToOrigin]: 6,
};

export function isTerminalStatus(status: TrackingStatus): boolean {
  return TERMINAL_TRACKING_STATUSES.has(status);
}

/** Whether a tracking in `current` may take the courier's `next` status (see the rank table). */
export function canMoveTo(current: TrackingStatus, next: TrackingStatus): boolean {
  if (current === next) return true;
  if (isTerminalStatus(current)) return false;
  if (next === TrackingStatus.Exception) return true;
  return TRACKING_STATUS_RANK[next] >= TRACKING_STATUS_RANK[current];
}

/** Two scans are the same scan when code, time and location agree. */
export function scanKey(scan: Pick<HistoryEntry, 'code' | 'occurredAt' | 'location'>): string {
  return `${scan.code}|${scan.occurredAt.getTime()}|${scan.location ?? ''}`;
}

export interface MergedHistory {
  history: HistoryEntry[];
  /** How many incoming scans were new. */
  added: number;
}

/**
 * Adds the courier's scans to the stored history: each scan once (by code, time and location),
 * in time order, late or out-of-order scans slotted into place. Scans at the same instant keep
 * their arrival order (stored first, then as the courier listed them). Pure; inputs untouched.
 */
export function mergeHistory(
  existing: readonly HistoryEntry[],
  incoming: readonly TrackingScan[],
): MergedHistory {
  const seen = new Set(existing.map(scanKey));
  const fresh: HistoryEntry[] = [];
  for (const scan of incoming) {
    if (Number.isNaN(scan.occurredAt.getTime())) continue;
    const key = scanKey(scan);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push({
      status: scan.status,
      code: scan.code,
      description: scan.description,
      location: scan.location,
      occurredAt: scan.occurredAt,
    });
  }
  if (fresh.length === 0) return { history: [...existing], added: 0 };
  // Array.prototype.sort is stable, so equal times keep the order they were concatenated in.
  const history = [...existing, ...fresh].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
  );
  return { history, added: fresh.length };
}

/** Time of the latest scan, or null for an empty history. */
export function latestScanAt(history: readonly HistoryEntry[]): Date | null {
  let latest: Date | null = null;
  for (const entry of history) {
    if (!latest || entry.occurredAt.getTime() > latest.getTime()) latest = entry.occurredAt;
  }
  return latest;
}
