import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsMongoId,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ShippingAddressDto } from './shipping-address.dto.js';

export const MAX_ORDER_LINES = 50;
/** Hard ceiling; the configured ORDER_MAX_QUANTITY_PER_LINE (at most this) applies on top. */
export const ABSOLUTE_MAX_QUANTITY = 1000;

export class OrderLineDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'Product id' })
  @IsMongoId({ message: 'product must be a product id' })
  product: string;

  @ApiProperty({
    example: 1,
    minimum: 1,
    description: 'Units; at most ORDER_MAX_QUANTITY_PER_LINE (default 10) per product',
  })
  @IsInt()
  @Min(1)
  @Max(ABSOLUTE_MAX_QUANTITY)
  quantity: number;
}

export class PlaceOrderDto {
  @ApiProperty({
    type: [OrderLineDto],
    minItems: 1,
    maxItems: MAX_ORDER_LINES,
    description: 'Lines for the same product are merged (quantities added)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];

  @ApiProperty({ type: ShippingAddressDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress: ShippingAddressDto;
}
