/**
 * Docket's own delivery estimates from transit times it has seen: pure functions, shared by the
 * service and the estimate benchmark so the bench measures exactly what the API answers.
 */

const HOUR_MS = 3_600_000;

/**
 * Lanes at two widths, from an Indian PIN code's structure: the first three digits are the
 * sorting district, the first two the sub-zone (roughly a postal circle). A lane is
 * `origin>destination` at one width, e.g. `560>110`. The one-digit postal zone is deliberately
 * not a lane: it pools a metro with the remote pincodes around it (Kolkata with Guwahati), and the
 * estimate bench measured it worse than falling back to the courier's ETA.
 */
export type LaneLevel = 'district' | 'subzone';

/** Narrowest first. */
export const LANE_LEVELS: readonly LaneLevel[] = ['district', 'subzone'];

const PREFIX_LENGTH: Readonly<Record<LaneLevel, number>> = { district: 3, subzone: 2 };

export type LaneKeys = Record<LaneLevel, string>;

export function laneKeys(originPincode: string, destinationPincode: string): LaneKeys {
  const key = (level: LaneLevel) =>
    `${originPincode.slice(0, PREFIX_LENGTH[level])}>${destinationPincode.slice(0, PREFIX_LENGTH[level])}`;
  return { district: key('district'), subzone: key('subzone') };
}

/** Linear-interpolated quantile of sorted values (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export interface LaneHistory {
  level: LaneLevel;
  lane: string;
  /** Transit hours of recent deliveries on the lane, any order. */
  transitHours: readonly number[];
}

/** The narrowest lane with enough deliveries to trust, or null when none has. */
export function pickHistory(
  candidates: readonly LaneHistory[],
  minSamples: number,
): LaneHistory | null {
  for (const level of LANE_LEVELS) {
    const found = candidates.find((c) => c.level === level);
    if (found && found.transitHours.length >= minSamples) return found;
  }
  return null;
}

export interface DeliveryWindow {
  /** p10: the earliest the parcel is likely to arrive. */
  earliest: Date;
  /** p50: Docket's single estimate. */
  likely: Date;
  /** p90: by this time 9 parcels in 10 on the lane had arrived. */
  latest: Date;
}

/**
 * Fewer later deliveries than this and the history says nothing about a parcel this late: it
 * is treated as overdue.
 */
const MIN_LATER_SAMPLES = 5;
/** An overdue parcel still gets a window at least this wide. */
const MIN_OVERDUE_SPREAD_HOURS = 12;

/**
 * When a parcel dispatched at `dispatchedAt`, not yet delivered at `now`, should arrive,
 * judged from `transitHours` of earlier deliveries on its lane. Only deliveries that took longer
 * than the parcel has already been travelling count (a parcel 3 days out is not going to take 1
 * day), so the estimate moves as time passes. A parcel later than nearly all history gets a
 * window starting now, as wide as the lane's usual p50→p90 spread.
 */
export function deliveryWindow(
  transitHours: readonly number[],
  dispatchedAt: Date,
  now: Date,
): DeliveryWindow {
  const sorted = [...transitHours].sort((a, b) => a - b);
  const elapsedHours = Math.max(0, (now.getTime() - dispatchedAt.getTime()) / HOUR_MS);
  const later = sorted.filter((h) => h > elapsedHours);
  const at = (hours: number) => new Date(dispatchedAt.getTime() + hours * HOUR_MS);
  if (later.length >= Math.min(MIN_LATER_SAMPLES, sorted.length) && later.length > 0) {
    return {
      earliest: at(quantile(later, 0.1)),
      likely: at(quantile(later, 0.5)),
      latest: at(quantile(later, 0.9)),
    };
  }
  const spread = Math.max(MIN_OVERDUE_SPREAD_HOURS, quantile(sorted, 0.9) - quantile(sorted, 0.5));
  const from = now.getTime();
  return {
    earliest: new Date(from),
    likely: new Date(from + (spread / 2) * HOUR_MS),
    latest: new Date(from + spread * HOUR_MS),
  };
}

export type EstimateSource = 'courier' | 'docket';

export interface ShipmentEstimate {
  /** The one date shown as `estimatedDelivery`; null when neither the courier nor history knows. */
  estimatedDelivery: Date | null;
  estimateSource: EstimateSource | null;
  /** Docket's p10–p90 window from lane history, whenever the lane has enough of it. */
  window: DeliveryWindow | null;
}

/**
 * The courier's ETA while it is still ahead; Docket's own p50 when the courier gave none or its
 * ETA has passed without a delivery; nothing when neither exists. A finished shipment keeps what
 * the courier said (there is nothing left to estimate).
 */
export function chooseEstimate(
  courierEta: Date | null,
  window: DeliveryWindow | null,
  now: Date,
  finished = false,
): ShipmentEstimate {
  const courier = (w: DeliveryWindow | null): ShipmentEstimate => ({
    estimatedDelivery: courierEta,
    estimateSource: courierEta === null ? null : 'courier',
    window: w,
  });
  if (finished) return courier(null);
  if (courierEta !== null && courierEta.getTime() > now.getTime()) return courier(window);
  if (window !== null)
    return { estimatedDelivery: window.likely, estimateSource: 'docket', window };
  return courier(null);
}
