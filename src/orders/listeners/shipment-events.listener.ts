import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ShipmentStatusChangedEvent } from '../../tracking/events/shipment-status-changed.event.js';
import { TrackingSyncPassCompletedEvent } from '../../tracking/events/tracking-sync-pass-completed.event.js';
import { TrackingService } from '../../tracking/tracking.service.js';
import { OrderShippingService } from '../order-shipping.service.js';
import { OrdersService } from '../orders.service.js';

const COURIER = 'Sequel247';

/**
 * The Orders side of the tracking events (Tracking never imports Orders). Errors are not
 * suppressed: the emitter logs them and, since the change stays unacknowledged, the tracking
 * reconcile step re-sends it on a later pass.
 */
@Injectable()
export class ShipmentEventsListener {
  private readonly logger = new Logger(ShipmentEventsListener.name);

  constructor(
    private readonly orders: OrdersService,
    private readonly shipping: OrderShippingService,
    private readonly tracking: TrackingService,
  ) {}

  @OnEvent(ShipmentStatusChangedEvent.eventName, { suppressErrors: false })
  async onShipmentStatusChanged(event: ShipmentStatusChangedEvent): Promise<void> {
    const code = event.rawStatusCode ? `${event.rawStatusCode} → ` : '';
    const moved = await this.orders.applyCourierStatus(
      event.orderId,
      event.docketNumber,
      COURIER,
      event.status,
      `${COURIER} ${code}${event.status}${event.replayed ? ' (replayed)' : ''}`,
    );
    if (moved.length > 0) {
      this.logger.log(
        `Order ${event.orderNumber} → ${moved.join(' → ')} (docket ${event.docketNumber}: ${event.status})`,
      );
    }
    // Handled, even when nothing had to move: reconcile stops re-sending it.
    await this.tracking.acknowledgeOrderStatus(event.docketNumber, event.status);
  }

  @OnEvent(TrackingSyncPassCompletedEvent.eventName, { suppressErrors: false })
  async onSyncPassCompleted(): Promise<void> {
    await this.shipping.repairHalfShipped();
  }
}
