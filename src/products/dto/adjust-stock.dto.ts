import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, NotEquals } from 'class-validator';

export class AdjustStockDto {
  @ApiProperty({
    example: 10,
    description:
      'Units to add (positive, e.g. a delivery from the workshop) or remove (negative, e.g. a ' +
      'damaged piece). Rejected with 409 if it would take stock below zero.',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  delta: number;
}
