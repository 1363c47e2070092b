import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const INDIAN_MOBILE = /^[6-9]\d{9}$/;
export const INDIAN_PINCODE = /^[1-9]\d{5}$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Where an order goes; India only. */
export class ShippingAddressDto {
  @ApiProperty({ example: 'Asha Rao', minLength: 2, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(2, 100)
  fullName: string;

  @ApiProperty({ example: '9876543210', description: '10-digit Indian mobile number' })
  @Transform(trim)
  @IsString()
  @Matches(INDIAN_MOBILE, { message: 'phone must be a 10-digit Indian mobile number' })
  phone: string;

  @ApiProperty({ example: '12, 4th Cross, Malleshwaram', minLength: 3, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(3, 200)
  line1: string;

  @ApiPropertyOptional({ example: 'Near Sampige Theatre', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 200)
  line2?: string;

  @ApiProperty({ example: 'Bengaluru', minLength: 2, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(2, 100)
  city: string;

  @ApiProperty({ example: 'Karnataka', minLength: 2, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(2, 100)
  state: string;

  @ApiProperty({ example: '560003', description: '6-digit Indian PIN code' })
  @Transform(trim)
  @IsString()
  @Matches(INDIAN_PINCODE, { message: 'pincode must be a 6-digit Indian PIN code' })
  pincode: string;

  @ApiProperty({ example: 'IN', enum: ['IN'], description: 'ISO country code; only India' })
  @IsIn(['IN'], { message: 'country must be IN (orders ship within India only)' })
  country: 'IN';
}
