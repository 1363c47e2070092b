/**
 * Docket's normalised shipment status. The first six are the seed's; the rest are what real
 * Indian courier shipments need (out for delivery, failed attempts, return to origin, exceptions).
 */
export enum TrackingStatus {
  OrderPlaced = 'ORDER_PLACED',
  Processing = 'PROCESSING',
  Packaging = 'PACKAGING',
  OnTheRoad = 'ON_THE_ROAD',
  OutForDelivery = 'OUT_FOR_DELIVERY',
  DeliveryFailed = 'DELIVERY_FAILED',
  Delivered = 'DELIVERED',
  ReturningToOrigin = 'RETURNING_TO_ORIGIN',
  ReturnedToOrigin = 'RETURNED_TO_ORIGIN',
  Exception = 'EXCEPTION',
  Cancelled = 'CANCELLED',
}

/** States after which the courier will report nothing new: polling stops. */
export const TERMINAL_TRACKING_STATUSES: ReadonlySet<TrackingStatus> = new Set([
  TrackingStatus.Delivered,
  TrackingStatus.Cancelled,
  TrackingStatus.ReturnedToOrigin,
]);

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
