import { ApiProperty } from '@nestjs/swagger';

export class ProductDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'DKT-RING-001', description: 'Stock-keeping unit, unique, upper-case' })
  sku: string;

  @ApiProperty({ example: '22K Gold Solitaire Ring' })
  name: string;

  @ApiProperty({ example: 'Hallmarked 22K gold ring with a 0.25 ct solitaire.' })
  description: string;

  @ApiProperty({ example: 2499900, description: 'Unit price in integer paise (₹24,999.00)' })
  pricePaise: number;

  @ApiProperty({ example: 7, description: 'Units available to order' })
  stock: number;

  @ApiProperty({ example: true, description: 'Inactive products are hidden and cannot be ordered' })
  active: boolean;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}
