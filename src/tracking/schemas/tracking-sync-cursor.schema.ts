import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * How far the sync passes have worked through the due-minute slots (see TrackingSchedule):
 * every tracking whose `dueMinute` is at or before `doneThroughMinute` has been polled and
 * moved on. One document, `_id: 'due'`; only ever moved forward (`$max`).
 */
@Schema({ collection: 'tracking_sync_cursors', versionKey: false })
export class TrackingSyncCursor {
  @Prop({ type: String, required: true })
  _id: string;

  /** Minutes since the Unix epoch (UTC). */
  @Prop({ required: true })
  doneThroughMinute: number;
}

export const TrackingSyncCursorSchema = SchemaFactory.createForClass(TrackingSyncCursor);
