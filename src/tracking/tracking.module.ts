import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Sequel247Module } from '../sequel247/sequel247.module.js';
import { TrackingLease, TrackingLeaseSchema } from './schemas/tracking-lease.schema.js';
import { Tracking, TrackingSchema } from './schemas/tracking.schema.js';
import { TrackingOutboxSource } from './tracking-outbox.source.js';
import { TrackingLeases } from './tracking-leases.service.js';
import { TrackingPoller } from './tracking-poller.service.js';
import { TrackingSyncService } from './tracking-sync.service.js';
import { TrackingController } from './tracking.controller.js';
import { TrackingService } from './tracking.service.js';

/**
 * Owns the `trackings` collection and the courier polling. Never imports Orders: status changes
 * go out as ShipmentStatusChangedEvent.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Tracking.name, schema: TrackingSchema },
      { name: TrackingLease.name, schema: TrackingLeaseSchema },
    ]),
    Sequel247Module,
  ],
  controllers: [TrackingController],
  providers: [
    TrackingService,
    TrackingPoller,
    TrackingLeases,
    TrackingSyncService,
    TrackingOutboxSource,
  ],
  exports: [TrackingService, TrackingOutboxSource],
})
export class TrackingModule {}
