import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { OutboxSource } from '../common/outbox/outbox-entry.js';
import { OrderOutboxSource } from '../orders/order-outbox.source.js';
import { OrdersModule } from '../orders/orders.module.js';
import { TrackingOutboxSource } from '../tracking/tracking-outbox.source.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { OutboxFeed } from './outbox/outbox-feed.service.js';
import {
  OutboxCheckpointDoc,
  OutboxCheckpointSchema,
  OutboxRecordDoc,
  OutboxRecordSchema,
} from './outbox/outbox-record.schema.js';
import { OUTBOX_SOURCES, OutboxRelay } from './outbox/outbox-relay.service.js';
import { OutboxService } from './outbox/outbox.service.js';

/**
 * Owns the `outbox` collection and everything fed by it. Depends on Orders and Tracking (their
 * outbox sources, the order view); they never import it: they only push outbox entries onto
 * their own documents and emit OutboxEntriesWrittenEvent.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: OutboxRecordDoc.name, schema: OutboxRecordSchema },
      { name: OutboxCheckpointDoc.name, schema: OutboxCheckpointSchema },
    ]),
    OrdersModule,
    TrackingModule,
  ],
  providers: [
    OutboxService,
    OutboxFeed,
    OutboxRelay,
    {
      provide: OUTBOX_SOURCES,
      inject: [OrderOutboxSource, TrackingOutboxSource],
      useFactory: (...sources: OutboxSource[]) => sources,
    },
  ],
  exports: [OutboxService, OutboxFeed],
})
export class NotificationsModule {}
