import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { type Page, skipFor } from '../../common/pagination/pagination.js';
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

  /** Creates the message for a milestone record once; false when it already existed. */
  async enqueue(
    record: OutboxRecord,
    milestone: EmailMilestone,
    attemptLimit: number,
  ): Promise<boolean> {
    try {
      await this.messages.create({
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
        nextAttemptAt: new Date(),
      });
      return true;
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === 11000) return false;
      throw error;
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
    const updated = await this.messages
      .findOneAndUpdate(
        { _id: id, status: EmailStatus.Dead },
        {
          $set: {
            status: EmailStatus.Pending,
            attemptLimit: message.attempts + moreAttempts,
            nextAttemptAt: new Date(),
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
