import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export enum EmailStatus {
  /** Waiting for its (next) attempt. */
  Pending = 'pending',
  Sent = 'sent',
  /** Not sent on purpose (the customer opted out, or has no address). */
  Skipped = 'skipped',
  /** Every attempt failed; an admin can retry it. */
  Dead = 'dead',
}

/**
 * One customer email for one milestone. `_id` is its idempotency key (`email:<outbox key>`):
 * the outbox consumer creates it by insert, so a replayed or twice-relayed outbox record can
 * never create a second message. Sends are leased per attempt (see EmailSendLeaseDoc).
 */
@Schema({ collection: 'email_messages', timestamps: true, versionKey: false })
export class EmailMessageDoc {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  outboxKey: string;

  @Prop({ required: true })
  outboxPosition: string;

  @Prop({ required: true })
  milestone: string;

  @Prop({ required: true })
  orderId: string;

  @Prop({ required: true })
  orderNumber: string;

  @Prop({ required: true })
  userId: string;

  @Prop({ type: String, enum: EmailStatus, required: true })
  status: EmailStatus;

  @Prop({ required: true, default: 0 })
  attempts: number;

  /** Attempts are counted for good (lease ids use them); dead once `attempts` reaches this. */
  @Prop({ required: true })
  attemptLimit: number;

  @Prop({ required: true })
  nextAttemptAt: Date;

  /** `nextAttemptAt`'s 10-second bucket: the sender reads due messages by it (see due-buckets.ts). */
  @Prop({ required: true })
  dueBucket: number;

  @Prop({ type: String, default: null })
  lastError: string | null;

  @Prop({ type: String, default: null })
  to: string | null;

  @Prop({ type: String, default: null })
  subject: string | null;

  @Prop({ type: Date, default: null })
  sentAt: Date | null;

  createdAt: Date;
  updatedAt: Date;
}

export const EmailMessageSchema = SchemaFactory.createForClass(EmailMessageDoc);
// The sender's due messages, by due bucket (equality filters only). The bucket leads: on
// FerretDB's PostgreSQL only a leading key gets a GIN twin, and `pending` matches the backlog.
EmailMessageSchema.index({ dueBucket: 1, status: 1 });
// The admin list by status, newest first.
EmailMessageSchema.index({ status: 1, createdAt: -1, _id: -1 });
// The admin list of one order's emails, newest first.
EmailMessageSchema.index({ orderNumber: 1, createdAt: -1, _id: -1 });
EmailMessageSchema.index({ orderId: 1 });

/**
 * The right to make attempt N of a message: inserted with `_id` `<message id>#<N>`, so of two
 * instances only one can hold an attempt (an insert collision is reported on MongoDB and on
 * FerretDB alike, unlike conditional updates). Expired leases (a sender died) are taken over.
 */
@Schema({ collection: 'email_send_leases', versionKey: false })
export class EmailSendLeaseDoc {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  owner: string;

  @Prop({ required: true })
  expiresAt: Date;
}

export const EmailSendLeaseSchema = SchemaFactory.createForClass(EmailSendLeaseDoc);
