import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A one-use stream token; stored by its SHA-256, never in clear. */
@Schema({ collection: 'live_stream_tokens', versionKey: false })
export class StreamTokenDoc {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  userId: string;

  @Prop({ required: true })
  expiresAt: Date;
}

export const StreamTokenSchema = SchemaFactory.createForClass(StreamTokenDoc);
