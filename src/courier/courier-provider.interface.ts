import type { DocketRule } from './docket-rules.js';
import type { TrackingStatus } from './tracking-status.js';

/**
 * The courier seam: what every courier Docket ships with offers, in typed domain values only.
 * A provider (one folder under `src/courier/`) adapts one courier's API to this; Orders and
 * Tracking see providers only through {@link CourierRegistry}, keyed by `courierService`.
 * Adding a courier = one provider folder + one line in `CourierModule`.
 */
export interface CourierProvider {
  /** Registry key and the value stored as `courierService`, e.g. `Sequel247`, `Manual`. */
  readonly courierService: string;
  readonly capabilities: CourierCapabilities;
  /** What a tracking number of this courier looks like (validated before anything is written). */
  readonly docketRule: DocketRule;

  /** The courier's public tracking page for a tracking number, or null when it has none. */
  trackingUrl(trackingNumber: string): string | null;

  /**
   * Books a shipment; the courier issues the tracking number. Never retried after a timeout
   * (the courier may have booked it): callers record the number before anything else.
   * @throws CourierCapabilityError when `capabilities.booking` is false; provider errors
   */
  book(input: CreateShipmentInput): Promise<CreatedShipment>;

  /**
   * Current tracking for many numbers in as few calls as the courier allows. Only called when
   * `capabilities.polling` is true.
   */
  trackMany(trackingNumbers: string[]): Promise<TrackManyResult>;

  /**
   * Current tracking for one number (the poller's fallback when a batch answer is unusable).
   * @throws the provider's not-found error when the courier has no tracking for it
   */
  trackOne(trackingNumber: string): Promise<ShipmentTracking>;

  /** Cancels a booking. @throws CourierCapabilityError when `capabilities.cancel` is false */
  cancel(trackingNumber: string, reason: string): Promise<void>;

  /**
   * Whether the courier picks up / delivers / collects cash at a pincode.
   * @throws CourierCapabilityError when `capabilities.serviceability` is false
   */
  checkServiceability(pincode: string): Promise<Serviceability>;

  /**
   * The courier's own estimated delivery date for a lane and pickup day (UTC), null when it
   * gives none. @throws CourierCapabilityError when `capabilities.deliveryEstimate` is false
   */
  estimateDelivery(input: DeliveryEstimateInput): Promise<Date | null>;
}

export interface CourierCapabilities {
  /** `book` works (the courier issues tracking numbers through its API). */
  booking: boolean;
  /** `cancel` works. */
  cancel: boolean;
  /** `trackMany` works: the scheduled sync polls this courier's shipments. */
  polling: boolean;
  /** Milestones are recorded by an admin (`POST /api/tracking/admin/:trackingNumber/scans`). */
  manualScans: boolean;
  serviceability: boolean;
  deliveryEstimate: boolean;
}

export interface DeliveryEstimateInput {
  originPincode: string;
  destinationPincode: string;
  /** UTC; the courier reads the calendar day in its own time zone. */
  pickupDate: Date;
}

export interface TrackingScan {
  /** Raw courier code, e.g. `SLINREC` (manual provider: the normalised status itself). */
  code: string;
  /** Normalised status for the code, or null when the code is unknown. */
  status: TrackingStatus | null;
  description: string;
  location: string | null;
  /** UTC. */
  occurredAt: Date;
}

export interface ShipmentTracking {
  docketNumber: string;
  /** Raw current status code from the courier, e.g. `SDELVD`. */
  rawStatusCode: string;
  /** Normalised current status, or null when the courier sent a code we do not know. */
  status: TrackingStatus | null;
  /** UTC, or null when the courier gave none. */
  estimatedDelivery: Date | null;
  /** Scan history as the courier sent it (not necessarily sorted). */
  scans: TrackingScan[];
}

export interface TrackManyResult {
  found: ShipmentTracking[];
  /** Tracking numbers the courier said it has no tracking for. */
  notFound: Array<{ docketNumber: string; reason: string }>;
}

export interface Serviceability {
  pincode: string;
  city: string | null;
  state: string | null;
  hub: string | null;
  pickupAvailable: boolean;
  deliveryAvailable: boolean;
  codAllowed: boolean;
  rtoAllowed: boolean;
}

export interface CreateShipmentInput {
  /** Our reference, sent as the remark so the courier's records point back to the order. */
  reference: string;
  serviceType: 'valuable' | 'vulnerable';
  consignee: {
    name: string;
    phone: string;
    addressLine1: string;
    addressLine2?: string;
    pincode: string;
  };
  netWeightGrams: number;
  grossWeightGrams: number;
  /** Declared value in integer paise. */
  netValuePaise: number;
  /** Cash to collect on delivery, integer paise (0 for prepaid). */
  codValuePaise: number;
  packages: number;
  pickUpDate?: 'Today' | 'Tomorrow';
}

export interface CreatedShipment {
  docketNumber: string;
  brn: string | null;
  labelUrl: string | null;
  estimatedDelivery: Date | null;
}
