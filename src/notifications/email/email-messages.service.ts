import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertedDespiteDuplicates } from '../../common/database/duplicate-key.js';
import { type Page, skipFor } from '../../common/pagination/pagination.js';
import { dueBucketOf } from '../../common/queue/due-buckets.js';
import { EmailMessageNotFoundError, EmailNotRetryableError } from '../notifications.errors.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { EmailMessageDoc, EmailStatus } from './email-message.schema.js';
import type { EmailMilestone } from './email-milestones.js';

export type EmailMessage = EmailMessageDoc;

/** The `email_messages` collection: enqueueing, admin listing and retry. */
@Injectable()
export class EmailMessages {
  constructor(
    @InjectModel(EmailMessageDoc.name) private readonly messages: Model<EmailMessageDoc>,
  ) {}

  /**
   * Creates the message for each milestone record once (one insert for the batch; a record
   * seen again, after a restart or by another instance, collides on `_id` and is skipped).
   * Returns how many were new.
   */
  async enqueue(
    items: Array<{ record: OutboxRecord; milestone: EmailMilestone }>,
    attemptLimit: number,
  ): Promise<number> {
    if (items.length === 0) return 0;
    const now = new Date();
    const docs = items.map(({ record, milestone }) => ({
      _id: `email:${record.key}`,
      outboxKey: record.key,
      outboxPosition: record.position,
      milestone,
      orderId: record.orderId,
      orderNumber: record.orderNumber,
      userId: record.userId,
      status: EmailStatus.Pending,
      attempts: 0,
      attemptLimit,
      nextAttemptAt: now,
      dueBucket: dueBucketOf(now),
    }));
    try {
      const inserted = await this.messages.insertMany(docs, { ordered: false });
      return inserted.length;
    } catch (error) {
      return insertedDespiteDuplicates(error, docs.length);
    }
  }

  async list(query: {
    status?: EmailStatus;
    orderNumber?: string;
    page: number;
    limit: number;
  }): Promise<Page<EmailMessage>> {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.orderNumber) filter.orderNumber = query.orderNumber;
    const [items, total] = await Promise.all([
      this.messages
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(query))
        .limit(query.limit)
        .lean<EmailMessage[]>(),
      this.messages.countDocuments(filter),
    ]);
    return { items, page: query.page, limit: query.limit, total };
  }

  /** Puts a dead message back in the queue with a fresh set of attempts. */
  async retry(id: string, moreAttempts: number): Promise<EmailMessage> {
    const message = await this.messages.findById(id).lean<EmailMessage>();
    if (!message) throw new EmailMessageNotFoundError(id);
    if (message.status !== EmailStatus.Dead) {
      throw new EmailNotRetryableError(id, message.status);
    }
    const now = new Date();
    const updated = await this.messages
      .findOneAndUpdate(
        { _id: id, status: EmailStatus.Dead },
        {
          $set: {
            status: EmailStatus.Pending,
            attemptLimit: message.attempts + moreAttempts,
            nextAttemptAt: now,
            dueBucket: dueBucketOf(now),
            lastError: null,
          },
        },
        { returnDocument: 'after' },
      )
      .lean<EmailMessage>();
    if (!updated) throw new EmailNotRetryableError(id, 'no longer dead');
    return updated;
  }
}
