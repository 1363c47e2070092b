import { Inject, Injectable } from '@nestjs/common';
import type { LeanWebhookEndpoint } from './schemas/webhook-endpoint.schema.js';
import { WebhookDeliveriesService, type NewDelivery } from './webhook-deliveries.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { webhookMessagesFor, type ChangeRecord } from './webhook-events.js';

/** The order view a webhook carries, read when the change is fanned out. */
export interface WebhookPayloadSource {
  /** Order views by order id (absent when the order no longer exists). */
  orderViews(orderIds: string[]): Promise<Map<string, unknown>>;
}
export const WEBHOOK_PAYLOAD_SOURCE = Symbol('WEBHOOK_PAYLOAD_SOURCE');

/** Turns changes from the feed into one queued delivery per subscribed endpoint. */
@Injectable()
export class WebhookFanoutService {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    @Inject(WEBHOOK_PAYLOAD_SOURCE) private readonly payloads: WebhookPayloadSource,
  ) {}

  /** Idempotent: a change fanned out again queues nothing new. Returns deliveries queued. */
  async fanOut(changes: ChangeRecord[]): Promise<number> {
    const relevant = changes
      .map((change) => ({ change, messages: webhookMessagesFor(change) }))
      .filter((c) => c.messages.length > 0);
    if (relevant.length === 0) return 0;
    const endpoints = await this.endpoints.findActive();
    if (endpoints.length === 0) return 0;
    const views = await this.payloads.orderViews([
      ...new Set(relevant.map((c) => c.change.orderId)),
    ]);
    const items: NewDelivery[] = [];
    for (const { change, messages } of relevant) {
      const view = views.get(change.orderId);
      if (view === undefined) continue;
      for (const message of messages) {
        const body = JSON.stringify({
          type: message.type,
          timestamp: change.occurredAt.toISOString(),
          data: view,
        });
        for (const endpoint of subscribers(endpoints, message.type)) {
          items.push({
            endpoint,
            messageId: message.messageId,
            type: message.type,
            orderId: change.orderId,
            position: change.position,
            body,
          });
        }
      }
    }
    return this.deliveries.enqueue(items);
  }
}

function subscribers(endpoints: LeanWebhookEndpoint[], type: string): LeanWebhookEndpoint[] {
  return endpoints.filter((e) => (e.events as string[]).includes(type));
}
