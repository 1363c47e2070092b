import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A claim on one tracking for one sync, `_id` = `<docket>:<syncSeq>:<attempt>`.
 *
 * Why a collection of its own: FerretDB v1 applies every update (findOneAndUpdate included) as
 * read, modify, write the whole document, with nothing making the write conditional on what was
 * read, so two instances can both "win" a conditional update. An insert that collides on `_id`
 * is the one operation that is atomic there (and on MongoDB): whoever inserts the key owns the
 * sync. A crashed holder's lease expires; the next claimer then inserts the next attempt number.
 * A lease whose sync was stored stays until it expires (the tracking's `syncSeq` has moved on, so
 * it blocks only a claim made from a read older than the write: no second courier call); one
 * whose sync was not stored is deleted at once. Expired leases are purged after each pass.
 */
@Schema({ collection: 'tracking_leases', versionKey: false })
export class TrackingLease {
  @Prop({ type: String, required: true })
  _id: string;

  /** The tracking's `_id` (its docket number). */
  @Prop({ required: true })
  tracking: string;

  @Prop({ required: true })
  seq: number;

  @Prop({ required: true })
  attempt: number;

  /** Pass or request id: host, process, random. */
  @Prop({ required: true })
  owner: string;

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ required: true })
  createdAt: Date;
}

export const TrackingLeaseSchema = SchemaFactory.createForClass(TrackingLease);
TrackingLeaseSchema.index({ tracking: 1, seq: 1 });
TrackingLeaseSchema.index({ expiresAt: 1 });

export function leaseKey(tracking: string, seq: number, attempt: number): string {
  return `${tracking}:${seq}:${attempt}`;
}
