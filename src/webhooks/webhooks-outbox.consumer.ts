import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { OutboxRecord } from '../notifications/outbox/outbox-record.js';
import { OutboxFeed } from '../notifications/outbox/outbox-feed.service.js';
import { WebhookFanoutService } from './webhook-fanout.service.js';

/**
 * Reads the notifications outbox from the durable `webhooks` checkpoint and queues one delivery
 * per subscribed endpoint for each change. Every instance runs it; a change queued twice (two
 * instances, or a crash before the checkpoint moved) is stored once (unique per endpoint and
 * webhook-id).
 */
@Injectable()
export class WebhooksOutboxConsumer implements OnModuleInit {
  static readonly consumerName = 'webhooks';
  private readonly logger = new Logger(WebhooksOutboxConsumer.name);

  constructor(
    private readonly feed: OutboxFeed,
    private readonly fanout: WebhookFanoutService,
  ) {}

  onModuleInit(): void {
    this.feed.registerConsumer({
      name: WebhooksOutboxConsumer.consumerName,
      handle: (records) => this.handle(records),
    });
  }

  async handle(records: OutboxRecord[]): Promise<void> {
    const queued = await this.fanout.fanOut(
      records.map((r) => ({
        key: r.key,
        type: r.type,
        orderId: r.orderId,
        position: r.position,
        occurredAt: r.occurredAt,
        data: r.data,
      })),
    );
    if (queued > 0)
      this.logger.log(`Webhooks: ${queued} deliveries queued for ${records.length} changes`);
  }
}
