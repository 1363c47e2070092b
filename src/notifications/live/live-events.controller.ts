import {
  applyDecorators,
  Controller,
  Headers,
  HttpCode,
  type MessageEvent,
  Post,
  Query,
  Sse,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth } from '../../auth/decorators/auth.decorator.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { ApiEnvelope, ApiErrors } from '../../common/swagger/api-responses.decorator.js';
import { Role } from '../../users/role.enum.js';
import { LiveEventDto, StreamTokenDto } from './dto/live-event.dto.js';
import { LiveEventPayloads } from './live-event-payloads.js';
import { LiveStreamAuthGuard, StreamRoles } from './live-stream-auth.guard.js';
import { Public } from '../../auth/decorators/public.decorator.js';
import { LiveStreams } from './live-streams.service.js';
import { StreamTokens } from './stream-tokens.service.js';

/** Bounds what may wait in memory for one slow client before it is dropped (it resumes). */
const MAX_PENDING_CHARS = 1024 * 1024;

const StreamDocs = () =>
  applyDecorators(
    ApiProduces('text/event-stream'),
    ApiQuery({
      name: 'token',
      required: false,
      description: 'One-use stream token (for EventSource); otherwise the bearer header',
    }),
    ApiQuery({
      name: 'lastEventId',
      required: false,
      description: 'Resume after this event id (same as the Last-Event-ID header)',
    }),
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'Sent by EventSource on reconnect: events after it (within 24 h) are replayed',
    }),
    ApiBearerAuth(),
    ApiErrors(401),
  );

@ApiTags('live')
@ApiExtraModels(LiveEventDto)
@Controller()
export class LiveEventsController {
  constructor(
    private readonly streams: LiveStreams,
    private readonly payloads: LiveEventPayloads,
    private readonly tokens: StreamTokens,
  ) {}

  @Post('orders/my/events/token')
  @HttpCode(201)
  @Auth()
  @ApiOperation({
    summary: 'Get a one-use stream token (60 s) for EventSource',
    description:
      "Browsers' EventSource cannot send an Authorization header: pass this token as " +
      '`?token=` on `GET /api/orders/my/events` instead. Valid once, for 60 seconds.',
  })
  @ApiEnvelope(StreamTokenDto, { status: 201 })
  issueToken(@CurrentUser() user: AuthUser): Promise<StreamTokenDto> {
    return this.tokens.issue(user);
  }

  @Sse('orders/my/events', { maxPendingDataLength: MAX_PENDING_CHARS })
  // Authenticated by LiveStreamAuthGuard (bearer or ?token=), not by the global bearer guard.
  @Public()
  @UseGuards(LiveStreamAuthGuard)
  @StreamDocs()
  @ApiOperation({
    summary: "Live events of the caller's orders (Server-Sent Events)",
    description:
      'One event per status change of one of your orders (`order.status_changed`) and per ' +
      'new courier scan of its shipment (`shipment.scan_added`); `data` is JSON (LiveEventDto). ' +
      'Each event has an `id`; on reconnect EventSource sends it as `Last-Event-ID` and the ' +
      'events missed since (within 24 h) are replayed in order, without duplicates. Heartbeat ' +
      'comments (`: heartbeat`) every 15 s. Events from every app instance reach every stream.',
  })
  @ApiResponse({
    status: 200,
    description: 'text/event-stream; each `data:` line is a LiveEventDto',
    content: { 'text/event-stream': { schema: { $ref: getSchemaPath(LiveEventDto) } } },
  })
  myEvents(
    @CurrentUser() user: AuthUser,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Observable<MessageEvent> {
    return this.streams.stream({
      scope: { userId: user.id },
      toData: (record) => this.payloads.forCustomer(record),
      lastEventId: lastEventIdHeader ?? lastEventIdQuery ?? null,
    });
  }

  @Sse('tracking/admin/events', { maxPendingDataLength: MAX_PENDING_CHARS })
  // Authenticated by LiveStreamAuthGuard (bearer or ?token=), not by the global bearer guard.
  @Public()
  @StreamRoles(Role.Admin)
  @UseGuards(LiveStreamAuthGuard)
  @StreamDocs()
  @ApiOperation({
    summary: 'Live stream of every shipment change (admin ops screen)',
    description:
      'Every `shipment.created`, `shipment.scan_added` and `shipment.status_changed`, with the ' +
      'order status and trackingInfo; ids, Last-Event-ID replay and heartbeats as on the ' +
      'customer stream. Admins may use a stream token too.',
  })
  @ApiResponse({ status: 200, description: 'text/event-stream of LiveEventDto-shaped data' })
  @ApiErrors(403)
  adminEvents(
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Observable<MessageEvent> {
    return this.streams.stream({
      scope: 'all',
      accepts: (record) => record.type.startsWith('shipment.'),
      toData: (record) => this.payloads.forAdmin(record),
      lastEventId: lastEventIdHeader ?? lastEventIdQuery ?? null,
    });
  }
}
