import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
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
} from 'class-validator';
import { IsDocketNumber } from '../../sequel247/docket-number.js';

export const SUPPORTED_COURIERS = ['Sequel247'] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Ship with a docket the admin already has (`docketNumber`), or let Docket book the shipment
 * with Sequel247 (`book: true`), which issues the docket. Exactly one of the two.
 */
export class ShipOrderDto {
  @ApiPropertyOptional({
    example: '1234567890',
    description: '10-digit Sequel247 docket number (required unless `book` is true)',
  })
  @ValidateIf((dto: ShipOrderDto) => dto.book !== true || dto.docketNumber !== undefined)
  @Transform(trim)
  @IsDefined({ message: 'docketNumber is required unless book is true' })
  @IsString()
  @IsDocketNumber()
  docketNumber?: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Book the shipment through Sequel247 and use the docket it issues',
  })
  @IsOptional()
  @IsBoolean()
  book?: boolean;

  @ApiPropertyOptional({ enum: SUPPORTED_COURIERS, default: 'Sequel247' })
  @IsOptional()
  @IsIn(SUPPORTED_COURIERS)
  courierService?: (typeof SUPPORTED_COURIERS)[number];

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
