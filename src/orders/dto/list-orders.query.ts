import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEnum,
  IsIn,
  IsISO8601,
  IsMongoId,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { OrderStatus } from '../order-status.js';

/** `status=pending,processing` → `['pending', 'processing']`. */
const toStatusList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

const STATUS_DOC = {
  description: 'One status or several, comma-separated',
  example: 'pending,processing',
  type: String,
};

export class ListMyOrdersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional(STATUS_DOC)
  @IsOptional()
  @Transform(toStatusList)
  @IsEnum(OrderStatus, {
    each: true,
    message: `status must be one of: ${Object.values(OrderStatus).join(', ')}`,
  })
  status?: OrderStatus[];
}

export const ADMIN_ORDER_SORTS = ['-createdAt', 'createdAt', '-totalPaise', 'totalPaise'] as const;
export type AdminOrderSort = (typeof ADMIN_ORDER_SORTS)[number];

export class AdminListOrdersQueryDto extends ListMyOrdersQueryDto {
  @ApiPropertyOptional({ description: "Only this user's orders (user id)" })
  @IsOptional()
  @IsMongoId({ message: 'user must be a user id' })
  user?: string;

  @ApiPropertyOptional({ example: 'DKT-261125-7KQ2XM', description: 'Exact order number' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @MaxLength(40)
  orderNumber?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'Placed at or after (ISO 8601, UTC unless an offset is given)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30T23:59:59Z',
    description:
      'Placed at or before (ISO 8601); a bare date (YYYY-MM-DD) includes that whole UTC day',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date' })
  to?: string;

  @ApiPropertyOptional({
    enum: ADMIN_ORDER_SORTS,
    default: '-createdAt',
    description: '`-` for descending',
  })
  @IsOptional()
  @IsIn(ADMIN_ORDER_SORTS)
  sort: AdminOrderSort = '-createdAt';
}
