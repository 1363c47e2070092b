/** What an integrator can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.status_changed',
  'shipment.created',
  'shipment.status_changed',
  'shipment.delivered',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by `POST …/endpoints/:id/test` only; endpoints need not subscribe to it. */
export const TEST_EVENT_TYPE = 'webhook.test';
export type DeliveryEventType = WebhookEventType | typeof TEST_EVENT_TYPE;

/** A change from the notifications feed, as far as webhooks need it. */
export interface ChangeRecord {
  /** Unique per change; the `webhook-id` is derived from it, so retries and replays share it. */
  key: string;
  /** The feed's event type (`order.created`, `shipment.scan_added`, …). */
  type: string;
  orderId: string;
  /** Feed position: deliveries of one order to one endpoint go out in this order. */
  position: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** One webhook a change produces: its event type and its `webhook-id`. */
export interface WebhookMessage {
  type: WebhookEventType;
  messageId: string;
}

const DELIVERED = 'DELIVERED';

/**
 * The webhooks a change produces. A shipment status change to delivered is also a
 * `shipment.delivered` (its own message id, so both can be received and deduplicated);
 * feed events with no webhook type (new scans without a status change) produce none.
 */
export function webhookMessagesFor(change: ChangeRecord): WebhookMessage[] {
  const messageId = `msg_${change.key}`;
  switch (change.type) {
    case 'order.created':
    case 'order.status_changed':
    case 'shipment.created':
      return [{ type: change.type, messageId }];
    case 'shipment.status_changed':
      return change.data.status === DELIVERED
        ? [
            { type: 'shipment.status_changed', messageId },
            { type: 'shipment.delivered', messageId: `${messageId}_delivered` },
          ]
        : [{ type: 'shipment.status_changed', messageId }];
    default:
      return [];
  }
}
