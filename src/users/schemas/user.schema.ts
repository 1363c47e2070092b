import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { Role } from '../role.enum.js';

@Schema({ collection: 'users', timestamps: true })
export class User {
  @Prop({ required: true, unique: true, trim: true, lowercase: true })
  email: string;

  /** argon2id hash; never leaves the Users/Auth modules. */
  @Prop({ required: true })
  passwordHash: string;

  @Prop({ required: true, trim: true })
  firstName: string;

  @Prop({ required: true, trim: true })
  lastName: string;

  @Prop({ trim: true })
  phone?: string;

  @Prop({ required: true, enum: Role, default: Role.Customer, type: String })
  role: Role;

  /** Per-channel consent; absent means the default (email on). */
  @Prop({ type: { email: { type: Boolean } }, _id: false, default: undefined })
  notifications?: { email?: boolean };

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);
UserSchema.index({ role: 1, createdAt: -1, _id: -1 });
UserSchema.index({ createdAt: -1, _id: -1 });
