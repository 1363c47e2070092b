import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { TrackingStatus } from '../../courier/tracking-status.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A milestone an admin records for a parcel of a courier without an API (Manual). */
export class RecordScanDto {
  @ApiProperty({
    enum: TrackingStatus,
    example: TrackingStatus.OnTheRoad,
    description:
      'The normalised status the parcel reached. Statuses only move forward (an earlier one is ' +
      'kept in the history but does not change the status: 409); DELIVERED, CANCELLED and ' +
      'RETURNED_TO_ORIGIN are final.',
  })
  @IsEnum(TrackingStatus)
  status: TrackingStatus;

  @ApiProperty({
    example: '2026-12-01T10:30:00Z',
    description: 'When it happened (ISO 8601, with a zone); not in the future',
  })
  @Type(() => Date)
  @IsDate({ message: 'at must be an ISO 8601 date-time' })
  at: Date;

  @ApiPropertyOptional({ example: 'Jaipur hub', maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  location?: string;

  @ApiPropertyOptional({ example: 'Handed to Blue Dart at the counter', maxLength: 300 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  note?: string;

  @ApiPropertyOptional({
    example: '2026-12-04T12:00:00Z',
    description: "The carrier's promised delivery date, when it gave one",
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'estimatedDelivery must be an ISO 8601 date-time' })
  estimatedDelivery?: Date;
}
