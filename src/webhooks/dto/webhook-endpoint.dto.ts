import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events.js';

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://erp.example.in/hooks/docket',
    description: 'https only in production, and never a private, loopback or link-local address',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['order.status_changed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: WebhookEventType[];

  @ApiPropertyOptional({ example: 'ERP order sync', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://erp.example.in/hooks/docket-v2' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ example: 'ERP order sync', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    description:
      'true re-enables a disabled endpoint (clears its failure record); false disables it',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListWebhookEndpointsQueryDto {
  @ApiPropertyOptional({
    enum: ['active', 'disabled'],
    description: 'Only endpoints in this state (`disabled` lists those Docket disabled too)',
  })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

export class WebhookEndpointDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'https://erp.example.in/hooks/docket' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  @ApiProperty({ nullable: true, type: String, example: 'ERP order sync' })
  description: string | null;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status: 'active' | 'disabled';

  @ApiProperty({
    enum: ['admin', 'failing'],
    nullable: true,
    description: '`failing`: Docket disabled it after its deliveries failed for 5 days',
  })
  disabledReason: 'admin' | 'failing' | null;

  @ApiProperty({ nullable: true, type: Date })
  disabledAt: Date | null;

  @ApiProperty({ nullable: true, type: Date, description: 'First failure since the last success' })
  failingSince: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  lastSuccessAt: Date | null;

  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'While set, deliveries are also signed with the previous secret (until then)',
  })
  previousSecretExpiresAt: Date | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret. Shown only in this response: store it now.',
  })
  secret: string;
}

export class WebhookStatsDto {
  @ApiProperty({
    description: 'Since this instance started',
    example: { sent: 120, retried: 4, dead: 0 },
  })
  sinceStart: { sent: number; retried: number; dead: number };

  @ApiProperty({
    description: 'Deliveries stored now, by status',
    example: { pending: 2, succeeded: 118, dead: 0 },
  })
  deliveries: { pending: number; succeeded: number; dead: number };
}
