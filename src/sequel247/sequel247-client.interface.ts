import type { TrackingStatus } from './tracking-status.js';

/**
 * What the rest of Docket knows of Sequel247: typed domain values only. The HTTP adapter turns
 * vendor quirks (string booleans, IST dates, misspelt keys, null locations) into these.
 * Inject with `@Inject(SEQUEL247_CLIENT) client: Sequel247Client`.
 */
export const SEQUEL247_CLIENT = Symbol('SEQUEL247_CLIENT');

export interface TrackingScan {
  /** Raw Sequel247 code, e.g. `SLINREC`. */
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
  /** Dockets the courier said it has no tracking for. */
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

export interface Sequel247Client {
  /** @throws Sequel247DocketNotFoundError and the other Sequel247 errors */
  track(docketNumber: string): Promise<ShipmentTracking>;
  /** Chunks at the configured batch size through `trackMultiple`. */
  trackMany(docketNumbers: string[]): Promise<TrackManyResult>;
  checkServiceability(pincode: string): Promise<Serviceability>;
  estimateDelivery(input: {
    originPincode: string;
    destinationPincode: string;
    pickupDate: Date;
  }): Promise<Date | null>;
  createShipment(input: CreateShipmentInput): Promise<CreatedShipment>;
  cancelShipment(docketNumber: string, reason: string): Promise<void>;
  proofOfDeliveryLink(docketNumber: string): Promise<string | null>;
}
