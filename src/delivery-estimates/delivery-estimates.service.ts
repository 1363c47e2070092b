import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config/index.js';
import type { Serviceability } from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import type { DeliveryEstimatesConfig } from './delivery-estimates.config.js';
import { LaneHistoryService } from './lane-history.service.js';
import {
  chooseEstimate,
  DeliveryWindow,
  deliveryWindow,
  EstimateSource,
  pickHistory,
  ShipmentEstimate,
} from './transit-statistics.js';

/** What Docket needs to know about one shipment to estimate it. */
export interface ShipmentEstimateRequest {
  docketNumber: string;
  courierService: string;
  /** The consignee's pincode; null when unknown (then only the courier's ETA can be used). */
  destinationPincode: string | null;
  /** When the shipment was handed over (booking or ship time), UTC. */
  dispatchedAt: Date;
  courierEstimatedDelivery: Date | null;
  /** Delivered, cancelled or returned: nothing left to estimate. */
  finished: boolean;
}

export interface CheckoutEstimate {
  pincode: string;
  courierService: string;
  serviceable: boolean;
  codAllowed: boolean;
  city: string | null;
  state: string | null;
  estimatedDelivery: Date | null;
  estimateSource: EstimateSource | null;
  window: DeliveryWindow | null;
  courierEstimatedDelivery: Date | null;
  /** Deliveries on the lane the window comes from (0 without one). */
  laneDeliveries: number;
}

interface CachedServiceability {
  value: Serviceability;
  expiresAt: number;
}

/** Bounds the per-process serviceability cache (pincodes asked at checkout). */
const MAX_CACHED_PINCODES = 5_000;

/**
 * Delivery dates from the courier and from Docket's own history. Exported for Orders: the
 * order view asks `forShipments` for every shipment on a page in one call.
 */
@Injectable()
export class DeliveryEstimatesService {
  private readonly settings: DeliveryEstimatesConfig;
  private readonly originPincode: string;
  private readonly serviceability = new Map<string, CachedServiceability>();

  constructor(
    private readonly couriers: CourierRegistry,
    private readonly history: LaneHistoryService,
    config: ConfigService<AllConfig & { deliveryEstimates: DeliveryEstimatesConfig }, true>,
  ) {
    this.settings = config.getOrThrow('deliveryEstimates', { infer: true });
    this.originPincode = config.getOrThrow('sequel247.originPincode', { infer: true });
  }

  /**
   * Each active shipment's estimate: the courier's ETA while it is ahead, Docket's lane p50
   * otherwise, with Docket's p10–p90 window whenever the lane has history. Keyed by docket.
   */
  async forShipments(
    shipments: readonly ShipmentEstimateRequest[],
    now = new Date(),
  ): Promise<Map<string, ShipmentEstimate>> {
    const result = new Map<string, ShipmentEstimate>();
    await Promise.all(
      shipments.map(async (shipment) => {
        const window =
          shipment.finished || shipment.destinationPincode === null
            ? null
            : await this.windowFor(
                shipment.courierService,
                shipment.destinationPincode,
                shipment.dispatchedAt,
                now,
              );
        result.set(
          shipment.docketNumber,
          chooseEstimate(shipment.courierEstimatedDelivery, window, now, shipment.finished),
        );
      }),
    );
    return result;
  }

  /**
   * Called when a shipment is handed to a courier, so its delivery can later become a sample of
   * its lane. Idempotent per tracking number.
   */
  recordDispatch(dispatch: {
    docketNumber: string;
    courierService: string;
    destinationPincode: string;
    dispatchedAt: Date;
    /** Default: the store's pickup pincode (SEQUEL247_ORIGIN_PINCODE). */
    originPincode?: string;
  }): Promise<void> {
    return this.history.recordDispatch({
      ...dispatch,
      originPincode: dispatch.originPincode ?? this.originPincode,
    });
  }

  /**
   * For a shopper at checkout: can the default courier deliver to `pincode`, with cash on
   * delivery, and when would a parcel dispatched now arrive. Docket's lane p50 is preferred
   * when the lane has history (the estimate bench measures it closer than the courier's EDD);
   * the courier's EDD otherwise. Courier errors propagate (mapped to 502/503).
   */
  async forCheckout(pincode: string, now = new Date()): Promise<CheckoutEstimate> {
    const courier = this.couriers.defaultProvider;
    const place = await this.serviceabilityOf(pincode);
    const unserved: CheckoutEstimate = {
      pincode,
      courierService: courier.courierService,
      serviceable: false,
      codAllowed: false,
      city: place.city,
      state: place.state,
      estimatedDelivery: null,
      estimateSource: null,
      window: null,
      courierEstimatedDelivery: null,
      laneDeliveries: 0,
    };
    if (!place.deliveryAvailable) return unserved;

    const [courierEdd, lanes] = await Promise.all([
      courier.capabilities.deliveryEstimate
        ? courier.estimateDelivery({
            originPincode: this.originPincode,
            destinationPincode: pincode,
            pickupDate: now,
          })
        : Promise.resolve(null),
      this.history.historyFor(courier.courierService, this.originPincode, pincode),
    ]);
    const lane = pickHistory(lanes, this.settings.minSamples);
    const window = lane ? deliveryWindow(lane.transitHours, now, now) : null;
    return {
      ...unserved,
      serviceable: true,
      codAllowed: place.codAllowed,
      estimatedDelivery: window?.likely ?? courierEdd,
      estimateSource: window ? 'docket' : courierEdd ? 'courier' : null,
      window,
      courierEstimatedDelivery: courierEdd,
      laneDeliveries: lane?.transitHours.length ?? 0,
    };
  }

  private async windowFor(
    courierService: string,
    destinationPincode: string,
    dispatchedAt: Date,
    now: Date,
  ): Promise<DeliveryWindow | null> {
    const lanes = await this.history.historyFor(
      courierService,
      this.originPincode,
      destinationPincode,
    );
    const lane = pickHistory(lanes, this.settings.minSamples);
    return lane ? deliveryWindow(lane.transitHours, dispatchedAt, now) : null;
  }

  private async serviceabilityOf(pincode: string): Promise<Serviceability> {
    const cached = this.serviceability.get(pincode);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = await this.couriers.defaultProvider.checkServiceability(pincode);
    if (this.settings.cacheSeconds > 0) {
      if (this.serviceability.size >= MAX_CACHED_PINCODES) this.serviceability.clear();
      this.serviceability.set(pincode, {
        value,
        expiresAt: Date.now() + this.settings.cacheSeconds * 1000,
      });
    }
    return value;
  }
}
