import type { TrackingScan } from '../courier/courier-provider.interface.js';
import { TrackingStatus } from '../courier/tracking-status.js';

// The rank rules are the seam's (Orders applies them to its shipment summaries too).
export { canMoveTo, isTerminalStatus, TRACKING_STATUS_RANK } from '../courier/tracking-status.js';

/** One scan as stored on a tracking. `status` is null for a code we do not know. */
export interface HistoryEntry {
  status: TrackingStatus | null;
  code: string;
  description: string;
  location: string | null;
  occurredAt: Date;
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
