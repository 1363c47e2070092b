import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { TrackingStatus } from '../courier/tracking-status.js';
import { errorMessage } from '../common/errors/error-message.js';
import { ShipmentStatusChangedEvent } from '../tracking/events/shipment-status-changed.event.js';
import { LaneHistoryService } from './lane-history.service.js';

/**
 * Learns transit times from the tracking events: each delivered shipment becomes one sample of
 * its lane. A failure here only loses one sample, so it is logged, never thrown back into the
 * tracking sync that emitted the event.
 */
@Injectable()
export class DeliveredShipmentsListener {
  private readonly logger = new Logger(DeliveredShipmentsListener.name);

  constructor(private readonly history: LaneHistoryService) {}

  @OnEvent(ShipmentStatusChangedEvent.eventName)
  async onShipmentStatusChanged(event: ShipmentStatusChangedEvent): Promise<void> {
    if (event.status !== TrackingStatus.Delivered) return;
    try {
      await this.history.recordDelivery(event.docketNumber, event.occurredAt);
    } catch (error) {
      this.logger.warn(
        `Delivery of ${event.docketNumber} not recorded as a transit sample: ${errorMessage(error)}`,
      );
    }
  }
}
