import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';
import { OrderStatus } from '../order-status.js';

/**
 * The few fields of an order that lists filter and sort on, one small document per order
 * (`_id` = the order's `_id`). A list picks its page here and then reads only that page's full
 * orders by `_id`. On FerretDB the cost of a query is the rows it returns times their size, so
 * paging over ~150-byte summaries instead of ~4 KB orders is what keeps lists fast; on MongoDB
 * it is a covered-style read of a narrow collection.
 *
 * Derived data, kept by OrderSummaries after every order write that changes what its view
 * shows, without a transaction: `rev` (the order's revision) only moves forward, and a missing
 * or behind summary is repaired (see OrderSummaries).
 */
@Schema({ collection: 'order_summaries', versionKey: false })
export class OrderSummary {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  _id: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  user: Types.ObjectId;

  @Prop({ required: true })
  orderNumber: string;

  @Prop({ type: String, enum: OrderStatus, required: true })
  status: OrderStatus;

  @Prop({ required: true })
  totalPaise: number;

  /** The order's creation time. */
  @Prop({ required: true })
  createdAt: Date;

  /**
   * The UTC day of `createdAt` (days since the epoch): newest-first lists across customers read
   * one day at a time by this equality, which FerretDB pushes down to an index.
   */
  @Prop({ required: true })
  createdDay: number;

  /** The order's status-history length when this summary was written. */
  @Prop({ required: true })
  version: number;

  /**
   * The order's revision (see revisionOf) when this summary was written: a list uses an order
   * snapshot it holds in memory only if it is of this revision.
   */
  @Prop({ required: true })
  rev: number;
}

export type OrderSummaryDocument = HydratedDocument<OrderSummary>;
export const OrderSummarySchema = SchemaFactory.createForClass(OrderSummary);
// One index per list shape (OrdersService.listMine / listForAdmin): equality keys, then the
// sort, with `_id` last as the sort's tie-breaker.
OrderSummarySchema.index({ user: 1, createdAt: -1, _id: -1 });
OrderSummarySchema.index({ user: 1, status: 1, createdAt: -1, _id: -1 });
OrderSummarySchema.index({ user: 1, totalPaise: -1, _id: -1 });
OrderSummarySchema.index({ status: 1, createdAt: -1, _id: -1 });
OrderSummarySchema.index({ status: 1, totalPaise: -1, _id: -1 });
OrderSummarySchema.index({ createdAt: -1, _id: -1 });
OrderSummarySchema.index({ createdDay: 1, createdAt: -1, _id: -1 });
OrderSummarySchema.index({ createdDay: 1, status: 1, createdAt: -1, _id: -1 });
OrderSummarySchema.index({ totalPaise: -1, _id: -1 });
OrderSummarySchema.index({ orderNumber: 1 });
