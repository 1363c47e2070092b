import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import type { Page } from '../../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../../common/swagger/api-responses.decorator.js';
import type { AllConfig } from '../../config/index.js';
import { Role } from '../../users/role.enum.js';
import {
  NotificationCounters,
  type NotificationCountsSnapshot,
} from '../notification-counters.service.js';
import {
  EmailMessageDto,
  ListEmailsQueryDto,
  NotificationCountsDto,
} from './dto/email-message.dto.js';
import type { EmailMessage } from './email-messages.service.js';
import { EmailMessages } from './email-messages.service.js';

function toDto(m: EmailMessage): EmailMessageDto {
  return {
    id: m._id,
    milestone: m.milestone,
    orderId: m.orderId,
    orderNumber: m.orderNumber,
    userId: m.userId,
    status: m.status,
    attempts: m.attempts,
    attemptLimit: m.attemptLimit,
    nextAttemptAt: m.nextAttemptAt,
    lastError: m.lastError ?? null,
    to: m.to ?? null,
    subject: m.subject ?? null,
    sentAt: m.sentAt ?? null,
    createdAt: m.createdAt,
  };
}

@ApiTags('notifications (admin)')
@Controller('notifications/admin')
@Auth(Role.Admin)
export class EmailAdminController {
  constructor(
    private readonly messages: EmailMessages,
    private readonly counters: NotificationCounters,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  @Get('emails')
  @ApiOperation({
    summary: 'List customer emails (e.g. `?status=dead` for the dead letters)',
    description: 'Newest first. One message per order milestone; `id` is its idempotency key.',
  })
  @ApiPaginatedEnvelope(EmailMessageDto)
  @ApiErrors(400)
  async list(@Query() query: ListEmailsQueryDto): Promise<Page<EmailMessageDto>> {
    const page = await this.messages.list(query);
    return { ...page, items: page.items.map(toDto) };
  }

  @Post('emails/:id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry a dead email',
    description: 'Queues it again with a fresh set of attempts (EMAIL_MAX_ATTEMPTS).',
  })
  @ApiParam({ name: 'id', description: 'The message id (idempotency key)' })
  @ApiEnvelope(EmailMessageDto)
  @ApiErrors(404, 409)
  async retry(@Param('id') id: string): Promise<EmailMessageDto> {
    const more = this.config.getOrThrow('notifications', { infer: true }).email.maxAttempts;
    return toDto(await this.messages.retry(id, more));
  }

  @Get('counts')
  @ApiOperation({
    summary: "This instance's notification counts since it started (sent, retried, dead, skipped)",
  })
  @ApiEnvelope(NotificationCountsDto)
  counts(): NotificationCountsSnapshot {
    return this.counters.snapshot();
  }
}
