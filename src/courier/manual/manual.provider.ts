import type {
  CourierCapabilities,
  CourierProvider,
  CreatedShipment,
  DeliveryEstimateInput,
  Serviceability,
  ShipmentTracking,
  TrackManyResult,
} from '../courier-provider.interface.js';
import { CourierCapabilityError } from '../courier.errors.js';
import { FREE_FORM_DOCKET_RULE } from '../docket-rules.js';

export const MANUAL_COURIER = 'Manual';

/**
 * Parcels sent with a courier Docket has no API for, or delivered by hand: the admin gives a
 * free-form tracking number and the carrier's name when shipping, then records milestones
 * (`POST /api/tracking/admin/:trackingNumber/scans`). Nothing is polled, booked or cancelled.
 */
export class ManualProvider implements CourierProvider {
  readonly courierService = MANUAL_COURIER;
  readonly docketRule = FREE_FORM_DOCKET_RULE;
  readonly capabilities: CourierCapabilities = {
    booking: false,
    cancel: false,
    polling: false,
    manualScans: true,
    serviceability: false,
    deliveryEstimate: false,
  };

  trackingUrl(): null {
    return null;
  }

  book(): Promise<CreatedShipment> {
    return Promise.reject(new CourierCapabilityError(MANUAL_COURIER, 'booking'));
  }

  trackMany(): Promise<TrackManyResult> {
    return Promise.resolve({ found: [], notFound: [] });
  }

  trackOne(): Promise<ShipmentTracking> {
    return Promise.reject(new CourierCapabilityError(MANUAL_COURIER, 'tracking by polling'));
  }

  cancel(): Promise<void> {
    return Promise.reject(new CourierCapabilityError(MANUAL_COURIER, 'cancelling a booking'));
  }

  checkServiceability(_pincode: string): Promise<Serviceability> {
    return Promise.reject(new CourierCapabilityError(MANUAL_COURIER, 'serviceability checks'));
  }

  estimateDelivery(_input: DeliveryEstimateInput): Promise<Date | null> {
    return Promise.reject(new CourierCapabilityError(MANUAL_COURIER, 'delivery-date estimates'));
  }
}
