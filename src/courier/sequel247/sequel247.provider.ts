import type {
  CourierCapabilities,
  CourierProvider,
  CreatedShipment,
  CreateShipmentInput,
  DeliveryEstimateInput,
  Serviceability,
  ShipmentTracking,
  TrackManyResult,
} from '../courier-provider.interface.js';
import { SEQUEL247_DOCKET_RULE } from '../docket-rules.js';
import type { Sequel247Client } from './sequel247-client.interface.js';

export const SEQUEL247_COURIER = 'Sequel247';

/** Sequel247 behind the courier seam: every call goes to its HTTP client. */
export class Sequel247Provider implements CourierProvider {
  readonly courierService = SEQUEL247_COURIER;
  readonly docketRule = SEQUEL247_DOCKET_RULE;
  readonly capabilities: CourierCapabilities = {
    booking: true,
    cancel: true,
    polling: true,
    manualScans: false,
    serviceability: true,
    deliveryEstimate: true,
  };

  constructor(
    private readonly client: Sequel247Client,
    /** `{docket}` is replaced. */
    private readonly trackingUrlTemplate: string,
  ) {}

  trackingUrl(trackingNumber: string): string {
    return this.trackingUrlTemplate.replace('{docket}', encodeURIComponent(trackingNumber));
  }

  book(input: CreateShipmentInput): Promise<CreatedShipment> {
    return this.client.createShipment(input);
  }

  trackOne(trackingNumber: string): Promise<ShipmentTracking> {
    return this.client.track(trackingNumber);
  }

  trackMany(trackingNumbers: string[]): Promise<TrackManyResult> {
    return this.client.trackMany(trackingNumbers);
  }

  cancel(trackingNumber: string, reason: string): Promise<void> {
    return this.client.cancelShipment(trackingNumber, reason);
  }

  checkServiceability(pincode: string): Promise<Serviceability> {
    return this.client.checkServiceability(pincode);
  }

  estimateDelivery(input: DeliveryEstimateInput): Promise<Date | null> {
    return this.client.estimateDelivery(input);
  }
}
