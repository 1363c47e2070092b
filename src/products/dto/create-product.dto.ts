import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** ₹1 crore: a sanity cap that catches rupees-entered-as-paise mistakes in the other direction. */
export const MAX_PRICE_PAISE = 1_000_000_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toSku = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

export class CreateProductDto {
  @ApiProperty({
    example: 'DKT-RING-001',
    description: 'Unique; stored upper-case; letters, digits and hyphens, 2-40 characters',
  })
  @Transform(toSku)
  @IsString()
  @Matches(SKU_PATTERN, {
    message: 'sku must be 2-40 letters, digits or hyphens, starting with a letter or digit',
  })
  sku: string;

  @ApiProperty({ example: '22K Gold Solitaire Ring', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'Hallmarked 22K gold ring.', maxLength: 2000, default: '' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({
    example: 2499900,
    minimum: 1,
    maximum: MAX_PRICE_PAISE,
    description: 'Integer paise',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_PRICE_PAISE)
  pricePaise: number;

  @ApiProperty({ example: 5, minimum: 0, description: 'Initial units on hand' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  stock: number;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
