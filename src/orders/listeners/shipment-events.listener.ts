import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ShipmentStatusChangedEvent } from '../../tracking/events/shipment-status-changed.event.js';
import { ShipmentTrackingUpdatedEvent } from '../../tracking/events/shipment-tracking-updated.event.js';
import { TrackingSyncPassCompletedEvent } from '../../tracking/events/tracking-sync-pass-completed.event.js';
import { OrderShipmentsService } from '../order-shipments.service.js';
import { OrderShippingService } from '../order-shipping.service.js';
import { StatusChangeSource } from '../order-status.js';

/**
 * The Orders side of the tracking events (Tracking never imports Orders): each status change of
 * a parcel updates that parcel's summary on its order and moves the order as its parcels imply.
 * Errors are not suppressed: Tracking counts a change as acknowledged only once every listener
 * has returned (even having had nothing to move), so after an error the tracking reconcile step
 * re-sends it on a later pass.
 */
@Injectable()
export class ShipmentEventsListener {
  private readonly logger = new Logger(ShipmentEventsListener.name);

  constructor(
    private readonly shipments: OrderShipmentsService,
    private readonly shipping: OrderShippingService,
  ) {}

  @OnEvent(ShipmentStatusChangedEvent.eventName, { suppressErrors: false })
  async onShipmentStatusChanged(event: ShipmentStatusChangedEvent): Promise<void> {
    const code = event.rawStatusCode ? `${event.rawStatusCode} → ` : '';
    const written = await this.shipments.applyTracking(
      event.orderId,
      {
        docketNumber: event.docketNumber,
        status: event.status,
        estimatedDelivery: event.estimatedDelivery,
        history: event.history,
        occurredAt: event.occurredAt,
      },
      {
        source: StatusChangeSource.Courier,
        actor: event.courierService,
        note: `${event.courierService} ${event.docketNumber}: ${code}${event.status}${event.replayed ? ' (replayed)' : ''}`,
      },
    );
    if (written && written.moved.length > 0) {
      this.logger.log(
        `Order ${event.orderNumber} → ${written.moved.join(' → ')} (docket ${event.docketNumber}: ${event.status})`,
      );
    }
  }

  /** New scans or ETA without a status change: the parcel's summary follows (no ack). */
  @OnEvent(ShipmentTrackingUpdatedEvent.eventName, { suppressErrors: false })
  async onShipmentTrackingUpdated(event: ShipmentTrackingUpdatedEvent): Promise<void> {
    await this.shipments.applyTracking(
      event.orderId,
      {
        docketNumber: event.docketNumber,
        status: event.status,
        estimatedDelivery: event.estimatedDelivery,
        history: event.history,
        occurredAt: event.occurredAt,
      },
      {
        source: StatusChangeSource.Courier,
        actor: event.courierService,
        note: `${event.courierService} ${event.docketNumber}: ${event.status}`,
      },
    );
  }

  @OnEvent(TrackingSyncPassCompletedEvent.eventName, { suppressErrors: false })
  async onSyncPassCompleted(): Promise<void> {
    await this.shipping.repairHalfShipped();
  }
}
