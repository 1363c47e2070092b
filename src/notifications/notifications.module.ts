import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { OutboxSource } from '../common/outbox/outbox-entry.js';
import { OrderOutboxSource } from '../orders/order-outbox.source.js';
import { OrdersModule } from '../orders/orders.module.js';
import { TrackingOutboxSource } from '../tracking/tracking-outbox.source.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { UsersModule } from '../users/users.module.js';
import { LiveEventPayloads } from './live/live-event-payloads.js';
import { LiveEventsController } from './live/live-events.controller.js';
import { LiveStreamAuthGuard } from './live/live-stream-auth.guard.js';
import { LiveHeartbeats } from './live/live-heartbeats.js';
import { LiveStreamRegistry } from './live/live-stream-registry.js';
import { LiveStreams } from './live/live-streams.service.js';
import { StreamTokenDoc, StreamTokenSchema } from './live/stream-token.schema.js';
import { StreamTokens } from './live/stream-tokens.service.js';
import { EmailAdminController } from './email/email-admin.controller.js';
import {
  EmailMessageDoc,
  EmailMessageSchema,
  EmailSendLeaseDoc,
  EmailSendLeaseSchema,
} from './email/email-message.schema.js';
import { EmailMessages } from './email/email-messages.service.js';
import { EmailOutboxConsumer } from './email/email-outbox.consumer.js';
import { EmailSender } from './email/email-sender.service.js';
import { EmailTransport } from './email/email-transport.js';
import { NotificationCounters } from './notification-counters.service.js';
import { OutboxFeed } from './outbox/outbox-feed.service.js';
import {
  OutboxBucketDoc,
  OutboxBucketSchema,
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
      { name: OutboxBucketDoc.name, schema: OutboxBucketSchema },
      { name: StreamTokenDoc.name, schema: StreamTokenSchema },
      { name: EmailMessageDoc.name, schema: EmailMessageSchema },
      { name: EmailSendLeaseDoc.name, schema: EmailSendLeaseSchema },
    ]),
    OrdersModule,
    TrackingModule,
    UsersModule,
  ],
  controllers: [LiveEventsController, EmailAdminController],
  providers: [
    NotificationCounters,
    EmailTransport,
    EmailMessages,
    EmailOutboxConsumer,
    EmailSender,
    LiveStreams,
    LiveStreamRegistry,
    LiveHeartbeats,
    LiveEventPayloads,
    StreamTokens,
    LiveStreamAuthGuard,
    OutboxService,
    OutboxFeed,
    OutboxRelay,
    {
      provide: OUTBOX_SOURCES,
      inject: [OrderOutboxSource, TrackingOutboxSource],
      useFactory: (...sources: OutboxSource[]) => sources,
    },
  ],
  exports: [OutboxService, OutboxFeed, LiveStreams, NotificationCounters],
})
export class NotificationsModule {}
