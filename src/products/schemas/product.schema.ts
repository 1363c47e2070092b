import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'products', timestamps: true })
export class Product {
  /** Stock-keeping unit, upper-case; immutable once created. */
  @Prop({ required: true, unique: true, trim: true, uppercase: true })
  sku: string;

  @Prop({ required: true, trim: true })
  name: string;

  @Prop({ trim: true, default: '' })
  description: string;

  /** Integer paise, > 0. */
  @Prop({ required: true, min: 1 })
  pricePaise: number;

  /** Units on hand that no order has reserved; never negative. */
  @Prop({ required: true, min: 0, default: 0 })
  stock: number;

  /** Inactive products are hidden from the catalogue and cannot be ordered. */
  @Prop({ required: true, default: true })
  active: boolean;

  createdAt: Date;
  updatedAt: Date;
}

export type ProductDocument = HydratedDocument<Product>;
export const ProductSchema = SchemaFactory.createForClass(Product);
// Public list: active products by name; admin list: all products by name.
ProductSchema.index({ active: 1, name: 1, _id: 1 });
ProductSchema.index({ name: 1, _id: 1 });
