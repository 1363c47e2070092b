import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { type OutboxEntry, OutboxEntrySchema } from '../../common/outbox/outbox-entry.js';
import { TrackingStatus } from '../../courier/tracking-status.js';

@Schema({ _id: false })
export class TrackedItem {
  @Prop({ type: Types.ObjectId, required: true })
  product: Types.ObjectId;

  @Prop({ required: true })
  sku: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true })
  quantity: number;
}
const TrackedItemSchema = SchemaFactory.createForClass(TrackedItem);

@Schema({ _id: false })
export class TrackingScanEntry {
  /** Null when the courier's code is not one we know. */
  @Prop({ type: String, enum: [...Object.values(TrackingStatus), null], default: null })
  status: TrackingStatus | null;

  @Prop({ required: true })
  code: string;

  @Prop({ type: String, default: '' })
  description: string;

  @Prop({ type: String, default: null })
  location: string | null;

  @Prop({ required: true })
  occurredAt: Date;
}
const TrackingScanEntrySchema = SchemaFactory.createForClass(TrackingScanEntry);

/**
 * One shipment being tracked with the courier. Sync bookkeeping lives next to the shipment data
 * so every sync is one single-document update (no transactions on FerretDB).
 *
 * `_id` is the docket number, so every per-docket read and write of a sync goes by `_id` (the
 * primary key on MongoDB). `docketNumber` repeats it for readers and the API. Measured on the
 * embedded FerretDB v1.24 (SQLite): even `{ _id: value }` is a full scan there (its `_id` index
 * is on another JSON path expression than the one its queries use), so dev/test passes slow
 * down with collection size; see the tracking benchmark.
 */
@Schema({ collection: 'trackings', timestamps: true })
export class Tracking {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Types.ObjectId, required: true })
  order: Types.ObjectId;

  @Prop({ required: true })
  orderNumber: string;

  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  @Prop({ required: true })
  customerEmail: string;

  @Prop({ type: [TrackedItemSchema], default: [] })
  items: TrackedItem[];

  @Prop({ required: true, unique: true })
  docketNumber: string;

  @Prop({ required: true, default: 'Sequel247' })
  courierService: string;

  @Prop({ required: true, enum: TrackingStatus, type: String, default: TrackingStatus.OrderPlaced })
  status: TrackingStatus;

  /** The last current-status code the courier sent that we accepted, known or not. */
  @Prop({ type: String, default: null })
  rawStatusCode: string | null;

  @Prop({ type: Date, default: null })
  estimatedDelivery: Date | null;

  /** Scans in time order, each once (code + time + location). */
  @Prop({ type: [TrackingScanEntrySchema], default: [] })
  history: TrackingScanEntry[];

  @Prop({ type: Date, default: null })
  lastScanAt: Date | null;

  /** When the status last changed (drives reconcile's grace period). */
  @Prop({ type: Date, default: null })
  statusChangedAt: Date | null;

  /** Last successful sync. */
  @Prop({ type: Date, default: null })
  lastSyncedAt: Date | null;

  /** Last sync attempt, successful or not. */
  @Prop({ type: Date, default: null })
  lastAttemptAt: Date | null;

  /** Who made the last sync write (a pass id, or a single sync's owner): tells a write as ours. */
  @Prop({ type: String, default: null })
  lastSyncBy: string | null;

  /** When the next pass should poll this docket; null once terminal. */
  @Prop({ type: Date, default: null })
  nextSyncAt: Date | null;

  /**
   * `nextSyncAt`'s minute (minutes since the Unix epoch), null once terminal: the equality key
   * a pass claims by, one minute slot at a time (see TrackingSchedule). FerretDB pushes an
   * equality on it down to PostgreSQL; a range on `nextSyncAt` it would not.
   */
  @Prop({ type: Number, default: null })
  dueMinute: number | null;

  @Prop({ required: true, default: 0 })
  consecutiveFailures: number;

  /** Message of the last failure (never a credential), null after a success. */
  @Prop({ type: String, default: null })
  lastError: string | null;

  /** Delivered, cancelled or returned: never polled again. */
  @Prop({ required: true, default: false })
  terminal: boolean;

  /** No new scan for `TRACKING_STALE_AFTER_DAYS`. */
  @Prop({ required: true, default: false })
  stale: boolean;

  /**
   * Bumped by every sync write. A lease (see TrackingLease) is taken on one value, so a lease
   * claimed from an out-of-date read is recognised and dropped.
   */
  @Prop({ required: true, default: 0 })
  syncSeq: number;

  /** The last status the Orders side confirmed it applied. */
  @Prop({ type: String, enum: [...Object.values(TrackingStatus), null], default: null })
  orderStatusAcknowledged: TrackingStatus | null;

  /** True while `status` has not been acknowledged: reconcile re-emits its event. */
  @Prop({ required: true, default: false })
  orderAckPending: boolean;

  /**
   * Transactional outbox: records of new scans and status changes, pushed in the same update as
   * the sync's changes and pulled once the Notifications relay has stored them.
   */
  @Prop({ type: [OutboxEntrySchema], default: [] })
  outbox: OutboxEntry[];

  /**
   * True while `outbox` may hold entries not yet relayed: the relay's repair pass finds them by
   * this top-level equality (FerretDB pushes it down to the index; a dotted `$exists` it scans).
   * Set with every push; unset by the pull that empties `outbox`.
   */
  @Prop()
  outboxPending?: boolean;

  createdAt: Date;
  updatedAt: Date;
}

export type TrackingDocument = HydratedDocument<Tracking>;
export const TrackingSchema = SchemaFactory.createForClass(Tracking);
// The sync pass: due slots by equality; the first pass's look for the earliest open slot
// (`{terminal: false}` sorted by dueMinute). Every index costs each sync write, so no more.
TrackingSchema.index({ dueMinute: 1 });
// Reconcile: unacknowledged status changes past their grace period.
TrackingSchema.index({ orderAckPending: 1, statusChangedAt: 1 });
// Trackings of an order.
TrackingSchema.index({ order: 1, createdAt: 1, _id: 1 });
// The admin list (TrackingService.list): newest first, by status, stale or failing.
TrackingSchema.index({ createdAt: -1, _id: -1 });
TrackingSchema.index({ status: 1, createdAt: -1, _id: -1 });
TrackingSchema.index({ stale: 1, createdAt: -1, _id: -1 });
TrackingSchema.index({ consecutiveFailures: 1 });
// The outbox relay's repair pass: trackings with entries not yet relayed.
TrackingSchema.index({ outboxPending: 1 }, { sparse: true });
