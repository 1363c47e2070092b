import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination.js';
import { TrackingStatus } from '../../courier/tracking-status.js';

/** Query strings carry booleans as text; anything but "true"/"false" fails validation. */
const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListTrackingsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: TrackingStatus })
  @IsOptional()
  @IsEnum(TrackingStatus)
  status?: TrackingStatus;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only stale shipments (no new scan for days)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  stale?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only shipments whose last poll failed',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  failing?: boolean;
}
