import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../../config/index.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { OutboxFeed } from '../outbox/outbox-feed.service.js';
import { emailMilestoneOf } from './email-milestones.js';
import { EmailMessages } from './email-messages.service.js';

/**
 * Turns milestone records of the outbox into pending email messages (durable consumer `email`:
 * after a restart it resumes from its checkpoint). Enqueueing is an insert keyed by the
 * record's key, so seeing a record twice never makes a second message.
 */
@Injectable()
export class EmailOutboxConsumer implements OnModuleInit {
  private attemptLimit = 1;

  constructor(
    private readonly feed: OutboxFeed,
    private readonly messages: EmailMessages,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  onModuleInit(): void {
    const email = this.config.getOrThrow('notifications', { infer: true }).email;
    if (!email.enabled) return;
    this.attemptLimit = email.maxAttempts;
    this.feed.registerConsumer({ name: 'email', handle: (records) => this.handle(records) });
  }

  async handle(records: OutboxRecord[]): Promise<void> {
    const items = records.flatMap((record) => {
      const milestone = emailMilestoneOf(record);
      return milestone ? [{ record, milestone }] : [];
    });
    await this.messages.enqueue(items, this.attemptLimit);
  }
}
