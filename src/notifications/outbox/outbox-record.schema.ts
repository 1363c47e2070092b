import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { OUTBOX_EVENT_TYPES, type OutboxEventType } from '../../common/outbox/outbox-entry.js';

/**
 * One relayed change in the `outbox` collection: what email, webhooks and live streams read.
 * `_id` is its feed position (see outbox-position.ts), `key` the writer's entry key (unique, so
 * a relay that runs twice stores the change once).
 */
@Schema({ collection: 'outbox', versionKey: false, minimize: false })
export class OutboxRecordDoc {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true, unique: true })
  key: string;

  @Prop({ type: String, enum: OUTBOX_EVENT_TYPES, required: true })
  type: OutboxEventType;

  @Prop({ required: true })
  orderId: string;

  @Prop({ required: true })
  orderNumber: string;

  @Prop({ required: true })
  userId: string;

  @Prop({ required: true })
  occurredAt: Date;

  @Prop({ required: true })
  docSeq: number;

  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  data: Record<string, unknown>;

  @Prop({ required: true })
  relayedAt: Date;

  /**
   * The 10-second slot of the position's time (epoch ms / 10,000): the live feed reads recent
   * records with `{bucket: b}` equality filters, which FerretDB pushes down (ranges it does not).
   */
  @Prop({ required: true })
  bucket: number;

  /**
   * The 1-second slot of the position's time (epoch ms / 1,000): the feed's recent window is
   * read by slot (see outbox-position.ts). Absent on records stored before slots existed; those
   * are read by bucket (catch-up) only.
   */
  @Prop()
  slot?: number;
}

export const OutboxRecordSchema = SchemaFactory.createForClass(OutboxRecordDoc);
OutboxRecordSchema.index({ bucket: 1 });
OutboxRecordSchema.index({ slot: 1 });
// Last-Event-ID replay of one order's stream (the public page) and of one customer's stream.
OutboxRecordSchema.index({ orderId: 1 });
OutboxRecordSchema.index({ userId: 1 });

/**
 * The directory of non-empty buckets: one document per 10-second bucket that holds at least one
 * record, inserted (by whoever appends first; a duplicate insert is ignored) BEFORE the bucket's
 * first record, so a visible record always has a visible marker. A consumer catching up walks
 * these, one `{hour}` equality read per hour of its gap, instead of every empty bucket.
 */
@Schema({ collection: 'outbox_buckets', versionKey: false })
export class OutboxBucketDoc {
  /** The bucket number (epoch ms / 10,000). */
  @Prop({ type: Number, required: true })
  _id: number;

  /** The bucket's hour (bucket / 360): what catch-up and pruning read by. */
  @Prop({ required: true })
  hour: number;
}

export const OutboxBucketSchema = SchemaFactory.createForClass(OutboxBucketDoc);
OutboxBucketSchema.index({ hour: 1 });

/** Where a durable consumer (email sender, webhook dispatcher) got to in the feed. */
@Schema({ collection: 'outbox_checkpoints', versionKey: false })
export class OutboxCheckpointDoc {
  /** The consumer's name. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  position: string;

  @Prop({ required: true })
  updatedAt: Date;
}

export const OutboxCheckpointSchema = SchemaFactory.createForClass(OutboxCheckpointDoc);
