import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

/**
 * A copy of one order (without its outbox), BSON-encoded in one binary field, for the order
 * lists: a list page reads its ~20 orders here by `_id`, each as ONE value. On FerretDB the cost
 * of a read grows with the number of fields it decodes (every nested scan, line and status
 * entry of a ~4 KB order), so a page of snapshots costs a fraction of a page of orders; on
 * MongoDB it is the same `_id` lookup as before.
 *
 * Derived data, written by OrderSnapshots after every order write that changes what a view
 * shows, without a transaction: `rev` (see revisionOf) only moves forward, a missing or behind
 * snapshot is read from `orders` instead and re-recorded.
 */
@Schema({ collection: 'order_snapshots', versionKey: false })
export class OrderSnapshot {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  _id: Types.ObjectId;

  /** The order's revision when copied (status-history length + shipments version). */
  @Prop({ required: true })
  rev: number;

  /** The order document, BSON. */
  @Prop({ type: Buffer, required: true })
  body: Buffer;
}

export type OrderSnapshotDocument = HydratedDocument<OrderSnapshot>;
export const OrderSnapshotSchema = SchemaFactory.createForClass(OrderSnapshot);
