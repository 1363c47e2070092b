import { TrackingStatus } from '../tracking-status.js';

export interface Sequel247CodeInfo {
  status: TrackingStatus;
  meaning: string;
  /** False when the code comes from one unreliable source (or only our sandbox) — kept tolerant. */
  verified: boolean;
}

/**
 * THE table: every known Sequel247 status/scan code → Docket's normalised status.
 *
 * | code        | status              | meaning                                   | verified |
 * |-------------|---------------------|-------------------------------------------|----------|
 * | SCREATED    | ORDER_PLACED        | docket booked, not yet picked up          | yes      |
 * | SPU         | PROCESSING          | picked up from our store                  | yes      |
 * | SCHECKIN    | PACKAGING           | checked in by courier staff / at a hub    | yes      |
 * | SCHKINORIGN | PACKAGING           | checked in at the origin hub              | yes      |
 * | SLINREC     | ON_THE_ROAD         | received at a hub (linehaul)              | yes      |
 * | SLINORIN    | ON_THE_ROAD         | departed the origin hub                   | yes      |
 * | SLINDEST    | ON_THE_ROAD         | arrived at the destination hub            | yes      |
 * | SDELASN     | OUT_FOR_DELIVERY    | assigned to a delivery agent              | yes      |
 * | SDELVD      | DELIVERED           | delivered                                 | yes      |
 * | SCANCELLED  | CANCELLED           | cancelled                                 | yes      |
 * | SUNDELV     | DELIVERY_FAILED     | delivery attempted, not delivered         | no (sandbox) |
 * | SINEXCP     | EXCEPTION           | exception (held, damaged, address issue)  | no       |
 * | SRTOPKP     | RETURNING_TO_ORIGIN | return to origin picked up / in transit   | no       |
 * | SRTODLV     | RETURNED_TO_ORIGIN  | returned to origin (delivered back to us) | no       |
 *
 * Why SPU is PROCESSING and the check-ins PACKAGING: the seed's six statuses predate the courier
 * and run in this order; the pickup is the first courier event after booking and the hub check-in
 * is where the courier seals and manifests the valuables parcel, before linehaul moves it.
 *
 * A code not in this table maps to null: the caller keeps the previous status and the raw code
 * (never a crash, never a move backwards), and the client logs a warning once per code.
 */
export const SEQUEL247_STATUS_CODES: Readonly<Record<string, Sequel247CodeInfo>> = {
  SCREATED: { status: TrackingStatus.OrderPlaced, meaning: 'Shipment created', verified: true },
  SPU: { status: TrackingStatus.Processing, meaning: 'Picked up', verified: true },
  SCHECKIN: { status: TrackingStatus.Packaging, meaning: 'Checked in', verified: true },
  SCHKINORIGN: {
    status: TrackingStatus.Packaging,
    meaning: 'Checked in at origin',
    verified: true,
  },
  SLINREC: { status: TrackingStatus.OnTheRoad, meaning: 'Received at hub', verified: true },
  SLINORIN: { status: TrackingStatus.OnTheRoad, meaning: 'Departed origin hub', verified: true },
  SLINDEST: {
    status: TrackingStatus.OnTheRoad,
    meaning: 'Arrived at destination hub',
    verified: true,
  },
  SDELASN: { status: TrackingStatus.OutForDelivery, meaning: 'Out for delivery', verified: true },
  SDELVD: { status: TrackingStatus.Delivered, meaning: 'Delivered', verified: true },
  SCANCELLED: { status: TrackingStatus.Cancelled, meaning: 'Cancelled', verified: true },
  SUNDELV: {
    status: TrackingStatus.DeliveryFailed,
    meaning: 'Delivery attempted, not delivered',
    verified: false,
  },
  SINEXCP: { status: TrackingStatus.Exception, meaning: 'Exception', verified: false },
  SRTOPKP: {
    status: TrackingStatus.ReturningToOrigin,
    meaning: 'Return to origin picked up',
    verified: false,
  },
  SRTODLV: {
    status: TrackingStatus.ReturnedToOrigin,
    meaning: 'Returned to origin',
    verified: false,
  },
};

/** Normalised status for a raw code (case and surrounding spaces ignored), or null if unknown. */
export function mapSequel247Code(code: string): TrackingStatus | null {
  const key = code.trim().toUpperCase();
  return Object.hasOwn(SEQUEL247_STATUS_CODES, key) ? SEQUEL247_STATUS_CODES[key].status : null;
}
