import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator.js';
import { ApiEnvelope, ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { Role } from '../users/role.enum.js';
import { ListWebhookDeliveriesQueryDto, WebhookDeliveryDto } from './dto/webhook-delivery.dto.js';
import {
  CreateWebhookEndpointDto,
  ListWebhookEndpointsQueryDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
  WebhookStatsDto,
} from './dto/webhook-endpoint.dto.js';
import { toDeliveryDto, WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { NotificationCounters } from '../notifications/notification-counters.service.js';
import { webhookCounts, WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

const ENDPOINT_ID = {
  name: 'id',
  description: 'Webhook endpoint id',
  example: '665f1c2e8b3e4a0012345678',
};

/** Admin management of outgoing webhooks (Standard Webhooks signatures). */
@ApiTags('webhooks')
@Auth(Role.Admin)
@Controller('webhooks/admin')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly dispatcher: WebhookDispatcher,
    private readonly counters: NotificationCounters,
  ) {}

  @Post('endpoints')
  @ApiOperation({
    summary:
      'Register a webhook endpoint; the response carries its signing secret, shown only once',
  })
  @ApiEnvelope(WebhookEndpointWithSecretDto, { status: 201 })
  @ApiErrors(400)
  create(@Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(dto);
  }

  @Get('endpoints')
  @ApiOperation({
    summary:
      'List webhook endpoints; `status=disabled` lists those disabled (by an admin or for failing 5 days)',
  })
  @ApiEnvelope(WebhookEndpointDto, { isArray: true })
  @ApiErrors(400)
  list(@Query() query: ListWebhookEndpointsQueryDto): Promise<WebhookEndpointDto[]> {
    return this.endpoints.list(query.status);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Webhook delivery counts: since this instance started, and stored by status',
  })
  @ApiEnvelope(WebhookStatsDto)
  async stats(): Promise<WebhookStatsDto> {
    return {
      sinceStart: webhookCounts(this.counters),
      deliveries: await this.deliveries.countByStatus(),
    };
  }

  @Get('endpoints/:id')
  @ApiOperation({ summary: 'One webhook endpoint (without its secret)' })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookEndpointDto)
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<WebhookEndpointDto> {
    return this.endpoints.get(id);
  }

  @Patch('endpoints/:id')
  @ApiOperation({
    summary: 'Change url, events or description; `enabled` disables or re-enables it',
  })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookEndpointDto)
  @ApiErrors(400, 404)
  update(
    @Param('id') id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(id, dto);
  }

  @Post('endpoints/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop delivering to an endpoint (its queued deliveries wait)' })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookEndpointDto)
  @ApiErrors(404)
  disable(@Param('id') id: string): Promise<WebhookEndpointDto> {
    return this.endpoints.disable(id);
  }

  @Delete('endpoints/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log' })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(null)
  @ApiErrors(404)
  async remove(@Param('id') id: string): Promise<null> {
    await this.endpoints.remove(id);
    await this.deliveries.removeForEndpoint(id);
    return null;
  }

  @Post('endpoints/:id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'New signing secret (shown once); the old one keeps signing for 24 h, so each delivery carries both signatures',
  })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookEndpointWithSecretDto)
  @ApiErrors(404)
  rotate(@Param('id') id: string): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.rotateSecret(id);
  }

  @Get('endpoints/:id/deliveries')
  @ApiOperation({
    summary: "An endpoint's deliveries, newest first: status, attempts, response code and timing",
  })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookDeliveryDto, { isArray: true })
  @ApiErrors(400, 404)
  async deliveriesOf(
    @Param('id') id: string,
    @Query() query: ListWebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryDto[]> {
    await this.endpoints.find(id);
    return this.deliveries.listForEndpoint(id, query.status, query.limit);
  }

  @Post('endpoints/:id/test')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send a signed `webhook.test` message to the endpoint now; returns the delivery with its result',
  })
  @ApiParam(ENDPOINT_ID)
  @ApiEnvelope(WebhookDeliveryDto)
  @ApiErrors(404)
  async test(@Param('id') id: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.endpoints.find(id);
    const delivery = await this.deliveries.enqueueTest(endpoint, this.dispatcher.leaseMs);
    return toDeliveryDto(await this.dispatcher.attemptNow(delivery));
  }

  @Post('deliveries/:id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a delivery again with the same webhook-id and body (a fresh 24 h of retries)',
  })
  @ApiParam({ name: 'id', description: 'Webhook delivery id' })
  @ApiEnvelope(WebhookDeliveryDto)
  @ApiErrors(404)
  replay(@Param('id') id: string): Promise<WebhookDeliveryDto> {
    return this.deliveries.replay(id);
  }
}
