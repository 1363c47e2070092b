import type {
  CreatedShipment,
  CreateShipmentInput,
  Serviceability,
  ShipmentTracking,
  TrackManyResult,
} from '../courier-provider.interface.js';

// The shared shapes live in the courier seam; re-exported for the Sequel247 adapter's own files.
export type {
  CreatedShipment,
  CreateShipmentInput,
  Serviceability,
  ShipmentTracking,
  TrackingScan,
  TrackManyResult,
} from '../courier-provider.interface.js';

/**
 * What the rest of Docket knows of Sequel247: typed domain values only. The HTTP adapter turns
 * vendor quirks (string booleans, IST dates, misspelt keys, null locations) into these.
 * Inject with `@Inject(SEQUEL247_CLIENT) client: Sequel247Client`.
 */
export const SEQUEL247_CLIENT = Symbol('SEQUEL247_CLIENT');

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
