import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { DeliveryEventType } from '../webhook-events.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

@Schema({ _id: false })
export class DeliveryAttempt {
  @Prop({ required: true })
  at: Date;

  @Prop({ type: Number, default: null })
  responseStatus: number | null;

  @Prop({ required: true })
  durationMs: number;

  @Prop({ type: String, default: null })
  error: string | null;
}
export const DeliveryAttemptSchema = SchemaFactory.createForClass(DeliveryAttempt);

/**
 * One webhook message for one endpoint. The body is stored as sent so every retry and replay
 * sends the same bytes under the same `webhook-id`.
 */
@Schema({ collection: 'webhook_deliveries', timestamps: true })
export class WebhookDelivery {
  /** `<endpoint id>:<webhook-id>`, unique: a change fanned out twice is stored once. */
  @Prop({ required: true, unique: true })
  dedupeKey: string;

  @Prop({ required: true })
  endpoint: string;

  /** The `webhook-id` header. */
  @Prop({ required: true })
  messageId: string;

  @Prop({ type: String, required: true })
  type: DeliveryEventType;

  /** Null for test messages (they are not ordered). */
  @Prop({ type: String, default: null })
  orderId: string | null;

  /** Feed position of the change; one endpoint gets one order's deliveries in this order. */
  @Prop({ required: true })
  position: string;

  @Prop({ required: true })
  body: string;

  @Prop({ type: String, enum: ['pending', 'succeeded', 'dead'], required: true })
  status: DeliveryStatus;

  @Prop({ required: true, default: 0 })
  attempts: number;

  @Prop({ required: true })
  nextAttemptAt: Date;

  /** `nextAttemptAt`'s 10-second bucket: the dispatcher reads due work by it (due-buckets.ts). */
  @Prop({ required: true })
  dueBucket: number;

  /** Past this, a failing delivery is dead (24 h after it was queued or replayed). */
  @Prop({ required: true })
  retryUntil: Date;

  @Prop({ type: Date, default: null })
  lastAttemptAt: Date | null;

  @Prop({ type: Number, default: null })
  lastResponseStatus: number | null;

  /** At most 1 KB. */
  @Prop({ type: String, default: null })
  lastResponseBody: string | null;

  @Prop({ type: Number, default: null })
  lastDurationMs: number | null;

  @Prop({ type: String, default: null })
  lastError: string | null;

  @Prop({ type: Date, default: null })
  deliveredAt: Date | null;

  /** The most recent attempts, oldest first (the last 20). */
  @Prop({ type: [DeliveryAttemptSchema], default: [] })
  attemptLog: DeliveryAttempt[];

  createdAt: Date;
  updatedAt: Date;
}

export type LeanWebhookDelivery = WebhookDelivery & { _id: Types.ObjectId };
export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDelivery);
// An endpoint's due work, by due bucket, and one endpoint's pending deliveries of one order
// (equality filters only; the bucket and the order lead: an endpoint or a status matches most
// deliveries, and on FerretDB's PostgreSQL only a leading key gets a GIN twin index).
WebhookDeliverySchema.index({ dueBucket: 1, endpoint: 1, status: 1 });
WebhookDeliverySchema.index({ orderId: 1, endpoint: 1, status: 1 });
// Retention: finished deliveries last touched before a date.
WebhookDeliverySchema.index({ status: 1, updatedAt: 1 });
// An endpoint's delivery log, newest first.
WebhookDeliverySchema.index({ endpoint: 1, createdAt: -1, _id: -1 });

/**
 * A claim on one attempt of one delivery, `_id` = `<delivery id>:<attempt>:<takeover>`. Inserts
 * colliding on `_id` are atomic on FerretDB and MongoDB alike (conditional updates are not on
 * FerretDB), so whoever inserts the key owns that attempt.
 */
@Schema({ collection: 'webhook_delivery_leases', versionKey: false })
export class WebhookDeliveryLease {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  delivery: string;

  @Prop({ required: true })
  attempt: number;

  @Prop({ required: true })
  takeover: number;

  @Prop({ required: true })
  owner: string;

  @Prop({ required: true })
  expiresAt: Date;
}
export const WebhookDeliveryLeaseSchema = SchemaFactory.createForClass(WebhookDeliveryLease);
WebhookDeliveryLeaseSchema.index({ delivery: 1, attempt: 1 });
WebhookDeliveryLeaseSchema.index({ expiresAt: 1 });
