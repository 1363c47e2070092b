import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';

export class ListProductsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on name or SKU', example: 'ring' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class AdminListProductsQueryDto extends ListProductsQueryDto {
  @ApiPropertyOptional({
    description: 'Only active (true) or only inactive (false) products; all when omitted',
    type: Boolean,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  active?: boolean;
}
