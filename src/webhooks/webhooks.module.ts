import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { OrderViewPayloads } from './order-view.payloads.js';
import {
  WebhookDelivery,
  WebhookDeliveryLease,
  WebhookDeliveryLeaseSchema,
  WebhookDeliverySchema,
} from './schemas/webhook-delivery.schema.js';
import { WebhookEndpoint, WebhookEndpointSchema } from './schemas/webhook-endpoint.schema.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDeliveryLeases } from './webhook-delivery-leases.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WEBHOOK_PAYLOAD_SOURCE, WebhookFanoutService } from './webhook-fanout.service.js';
import { WebhooksOutboxConsumer } from './webhooks-outbox.consumer.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Outgoing webhooks (Standard Webhooks). Owns `webhook_endpoints`, `webhook_deliveries` and their
 * leases; reads changes from the notifications outbox and order views from Orders. Nothing
 * depends on it.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: WebhookEndpoint.name, schema: WebhookEndpointSchema },
      { name: WebhookDelivery.name, schema: WebhookDeliverySchema },
      { name: WebhookDeliveryLease.name, schema: WebhookDeliveryLeaseSchema },
    ]),
    NotificationsModule,
    OrdersModule,
  ],
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsService,
    WebhookDeliveriesService,
    WebhookDeliveryLeases,
    WebhookFanoutService,
    WebhookDispatcher,
    WebhooksOutboxConsumer,
    { provide: WEBHOOK_PAYLOAD_SOURCE, useClass: OrderViewPayloads },
  ],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
