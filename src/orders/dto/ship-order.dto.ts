import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { COURIER_SERVICES, type CourierServiceName } from '../../courier/courier-services.js';
import { MAX_ORDER_LINES, OrderLineDto } from './place-order.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Ships one parcel: `items` (default: every unit not yet shipped), with a docket the admin
 * already has (`docketNumber`), or booked with the courier (`book: true`), which issues the
 * docket. Exactly one of the two. `courierService: "Manual"` takes a free-form tracking number
 * and a `carrierName`; its milestones are recorded by an admin.
 */
export class ShipOrderDto {
  @ApiPropertyOptional({
    example: '1234567890',
    description:
      'Tracking number (required unless `book` is true): Sequel247, exactly 10 digits; Manual, ' +
      '4–40 letters, digits, "-" or "/". Unique across couriers.',
  })
  @ValidateIf((dto: ShipOrderDto) => dto.book !== true || dto.docketNumber !== undefined)
  @Transform(trim)
  @IsDefined({ message: 'docketNumber is required unless book is true' })
  @IsString()
  @MaxLength(40)
  docketNumber?: string;

  @ApiPropertyOptional({
    type: [OrderLineDto],
    description:
      'Units in this parcel, per product; default: every unit not yet shipped. A quantity ' +
      'above what is left to ship is a 409 (QUANTITY_NOT_SHIPPABLE).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items?: OrderLineDto[];

  @ApiPropertyOptional({
    example: 'Blue Dart',
    maxLength: 80,
    description: 'Manual courier only (required there): who carries the parcel',
  })
  @ValidateIf(
    (dto: ShipOrderDto) => dto.courierService === 'Manual' || dto.carrierName !== undefined,
  )
  @Transform(trim)
  @IsDefined({ message: 'carrierName is required when courierService is Manual' })
  @IsString()
  @MaxLength(80)
  carrierName?: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Book the shipment through Sequel247 and use the docket it issues',
  })
  @IsOptional()
  @IsBoolean()
  book?: boolean;

  @ApiPropertyOptional({ enum: COURIER_SERVICES, default: 'Sequel247' })
  @IsOptional()
  @IsIn(COURIER_SERVICES)
  courierService?: CourierServiceName;

  @ApiPropertyOptional({
    example: 50,
    minimum: 1,
    maximum: 30000,
    description: 'Booking only: parcel weight in grams (default 100)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30_000)
  weightGrams?: number;

  @ApiPropertyOptional({
    example: 1,
    minimum: 1,
    maximum: 10,
    description: 'Booking only (default 1)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  packages?: number;

  @ApiPropertyOptional({
    enum: ['Today', 'Tomorrow'],
    description: 'Booking only: when Sequel247 should pick up (default: its own schedule)',
  })
  @IsOptional()
  @IsIn(['Today', 'Tomorrow'])
  pickUpDate?: 'Today' | 'Tomorrow';

  @ApiPropertyOptional({ example: 'Handed to the Sequel247 pickup at 4 pm', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
