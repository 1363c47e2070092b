import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBodyDto {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable error code' })
  code: string;

  @ApiProperty({ example: 'Invalid request: email (email must be an email)' })
  message: string;

  @ApiPropertyOptional({
    description: 'Extra facts about the error, e.g. one entry per invalid field',
    example: [{ field: 'email', messages: ['email must be an email'] }],
  })
  details?: unknown;
}

export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  success: false;

  @ApiProperty({ type: ErrorBodyDto })
  error: ErrorBodyDto;
}
