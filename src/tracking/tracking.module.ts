import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CourierModule } from '../courier/courier.module.js';
import { TrackingLease, TrackingLeaseSchema } from './schemas/tracking-lease.schema.js';
import {
  TrackingSyncCursor,
  TrackingSyncCursorSchema,
} from './schemas/tracking-sync-cursor.schema.js';
import { Tracking, TrackingSchema } from './schemas/tracking.schema.js';
import { TrackingBacklogService } from './tracking-backlog.service.js';
import { TrackingOutboxSource } from './tracking-outbox.source.js';
import { TrackingLeases } from './tracking-leases.service.js';
import { TrackingPoller } from './tracking-poller.service.js';
import { TrackingResultWriter } from './tracking-result-writer.js';
import { TrackingSchedule } from './tracking-schedule.service.js';
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
      { name: TrackingSyncCursor.name, schema: TrackingSyncCursorSchema },
    ]),
    CourierModule,
  ],
  controllers: [TrackingController],
  providers: [
    TrackingService,
    TrackingPoller,
    TrackingResultWriter,
    TrackingLeases,
    TrackingSchedule,
    TrackingSyncService,
    TrackingBacklogService,
    TrackingOutboxSource,
  ],
  exports: [TrackingService, TrackingBacklogService, TrackingOutboxSource],
})
export class TrackingModule {}
