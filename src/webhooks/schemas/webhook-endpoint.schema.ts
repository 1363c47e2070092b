import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events.js';

export type EndpointStatus = 'active' | 'disabled';

/** A signing secret; the previous one keeps signing until `expiresAt` after a rotation. */
@Schema({ _id: false })
export class EndpointSecret {
  @Prop({ required: true })
  secret: string;

  @Prop({ required: true })
  createdAt: Date;

  /** Absent on the current secret. */
  @Prop()
  expiresAt?: Date;
}
export const EndpointSecretSchema = SchemaFactory.createForClass(EndpointSecret);

@Schema({ collection: 'webhook_endpoints', timestamps: true })
export class WebhookEndpoint {
  @Prop({ required: true })
  url: string;

  @Prop({ type: [String], enum: WEBHOOK_EVENT_TYPES, required: true })
  events: WebhookEventType[];

  @Prop({ type: String, default: null })
  description: string | null;

  @Prop({ type: String, enum: ['active', 'disabled'], required: true, default: 'active' })
  status: EndpointStatus;

  /** `admin`, or `failing` when Docket disabled it after failing for too long. */
  @Prop({ type: String, default: null })
  disabledReason: 'admin' | 'failing' | null;

  @Prop({ type: Date, default: null })
  disabledAt: Date | null;

  /** First failure since the last success; cleared by a success. */
  @Prop({ type: Date, default: null })
  failingSince: Date | null;

  @Prop({ type: Date, default: null })
  lastSuccessAt: Date | null;

  /** Current secret first. Never returned by the API except once, when created or rotated. */
  @Prop({ type: [EndpointSecretSchema], required: true })
  secrets: EndpointSecret[];

  createdAt: Date;
  updatedAt: Date;
}

export type LeanWebhookEndpoint = WebhookEndpoint & { _id: Types.ObjectId };
export const WebhookEndpointSchema = SchemaFactory.createForClass(WebhookEndpoint);
// The admin list (oldest first, optionally by status) and the dispatcher's active endpoints.
WebhookEndpointSchema.index({ status: 1, createdAt: 1 });
WebhookEndpointSchema.index({ createdAt: 1 });
