import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

/** What a service returns for one page; the envelope turns it into `data` + `meta`. */
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

/** Paging beside a list: `{ success, data: [...], meta }`. */
export interface PageMeta {
  page: number;
  limit: number;
  total: number;
  /** Number of pages at this limit (0 when there is nothing). */
  pages: number;
}

export function pageMeta(page: Page<unknown>): PageMeta {
  return {
    page: page.page,
    limit: page.limit,
    total: page.total,
    pages: Math.ceil(page.total / page.limit),
  };
}

/** Set by ApiPaginatedEnvelope: the handler returns a Page the envelope splits. */
export const PAGINATED_KEY = 'docket:paginated';

export function skipFor(query: { page: number; limit: number }): number {
  return (query.page - 1) * query.limit;
}
