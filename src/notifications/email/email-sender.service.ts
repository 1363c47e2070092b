import { isDuplicateKeyError } from '../../common/database/duplicate-key.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { errorMessage } from '../../common/errors/error-message.js';
import { DueBucketCursor, dueBucketOf } from '../../common/queue/due-buckets.js';
import type { AllConfig } from '../../config/index.js';
import { OrderNotFoundError } from '../../orders/orders.errors.js';
import { OrdersService } from '../../orders/orders.service.js';
import { UsersService } from '../../users/users.service.js';
import {
  NotificationCounters,
  type NotificationOutcome,
} from '../notification-counters.service.js';
import { EmailMessageDoc, EmailSendLeaseDoc, EmailStatus } from './email-message.schema.js';
import type { EmailMilestone } from './email-milestones.js';
import { renderMilestoneEmail } from './email-templates.js';
import { EmailTransport } from './email-transport.js';

type Message = EmailMessageDoc;
type BatchCounts = Record<NotificationOutcome, number>;

/** Backoff for attempt n (1-based): base × 2^(n-1), ±20 % jitter, capped at 6 h. */
export function emailRetryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const raw = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/**
 * Sends pending customer emails: leases each attempt (one instance per attempt, see
 * EmailSendLeaseDoc), honours the customer's opt-out at send time, renders from the current
 * order view, retries with backoff and ends in `dead` after the attempt limit. Every message
 * carries a Message-ID made from its idempotency key. Logs one summary line per batch.
 */
@Injectable()
export class EmailSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EmailSender.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly settings: AllConfig['notifications']['email'];
  private readonly dueCursor = new DueBucketCursor({ sweepEveryMs: 300_000, lateBuckets: 1 });
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    @InjectModel(EmailMessageDoc.name) private readonly messages: Model<EmailMessageDoc>,
    @InjectModel(EmailSendLeaseDoc.name) private readonly leases: Model<EmailSendLeaseDoc>,
    private readonly transport: EmailTransport,
    private readonly orders: OrdersService,
    private readonly users: UsersService,
    private readonly counters: NotificationCounters,
    config: ConfigService<AllConfig, true>,
  ) {
    this.settings = config.getOrThrow('notifications', { infer: true }).email;
  }

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One batch: every due message, `concurrency` at a time. Returns what happened. */
  async runBatch(): Promise<BatchCounts> {
    while (this.running) await this.running;
    const work = this.sendDue();
    // Only for waiting on (shutdown, the next batch): the caller handles `work`'s failure.
    this.running = work.then(
      () => (this.running = null),
      () => (this.running = null),
    );
    return work;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runBatch()
        .catch((error: unknown) => this.logger.error(`Email batch failed: ${errorMessage(error)}`))
        .finally(() => this.schedule());
    }, this.settings.pollMs);
    this.timer.unref();
  }

  private async sendDue(): Promise<BatchCounts> {
    const started = Date.now();
    const counts: BatchCounts = { sent: 0, retried: 0, dead: 0, skipped: 0 };
    const due = await this.findDue(new Date(), this.settings.concurrency * 25);
    if (due.length === 0) return counts;

    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.stopped) {
        const outcome = await this.attempt(due[next++]);
        if (outcome) {
          counts[outcome] += 1;
          this.counters.add('email', outcome);
        }
      }
    };
    await Promise.all(Array.from({ length: this.settings.concurrency }, worker));
    const total = counts.sent + counts.retried + counts.dead + counts.skipped;
    if (total > 0) {
      this.logger.log(
        `Email batch: ${counts.sent} sent, ${counts.retried} retried, ${counts.dead} dead, ` +
          `${counts.skipped} skipped in ${Date.now() - started} ms`,
      );
    }
    return counts;
  }

  /** Due messages, oldest bucket first and in feed order within one, read bucket by bucket. */
  private async findDue(now: Date, limit: number): Promise<Message[]> {
    const buckets = await this.dueCursor.plan(now, async () => {
      // Messages queued by code older than `dueBucket`: due from now on (sent once due).
      await this.messages.updateMany(
        { status: EmailStatus.Pending, dueBucket: { $exists: false } },
        { $set: { dueBucket: dueBucketOf(now) } },
      );
      const found = await this.messages.distinct('dueBucket', { status: EmailStatus.Pending });
      return found.filter((b): b is number => typeof b === 'number');
    });
    const due: Message[] = [];
    for (const dueBucket of buckets) {
      if (due.length >= limit) break;
      const pending = await this.messages
        .find({ status: EmailStatus.Pending, dueBucket })
        .lean<Message[]>();
      this.dueCursor.read(dueBucket, pending.length > 0);
      due.push(
        ...pending
          .filter((m) => m.nextAttemptAt.getTime() <= now.getTime())
          .sort((a, b) => a.outboxPosition.localeCompare(b.outboxPosition)),
      );
    }
    return due.slice(0, limit);
  }

  /** One attempt at one message, under its lease; null when another instance has it. */
  private async attempt(candidate: Message): Promise<NotificationOutcome | null> {
    const leaseId = `${candidate._id}#${candidate.attempts}`;
    if (!(await this.lease(leaseId))) return null;
    try {
      // Re-read under the lease: another instance may have finished this attempt already.
      const message = await this.messages.findById(candidate._id).lean<Message>();
      if (!message || message.status !== EmailStatus.Pending) return null;
      if (message.attempts !== candidate.attempts) return null;
      return await this.deliver(message);
    } finally {
      await this.leases.deleteOne({ _id: leaseId, owner: this.owner });
    }
  }

  private async deliver(message: Message): Promise<NotificationOutcome> {
    const user = await this.users.findById(message.userId);
    if (!user || user.notifications.email === false) {
      await this.finish(message, EmailStatus.Skipped, {
        lastError: user ? 'Customer opted out of email' : 'Customer account no longer exists',
      });
      return 'skipped';
    }
    try {
      const order = await this.orders.toView(await this.orders.findForShipping(message.orderId));
      const email = renderMilestoneEmail(
        message.milestone as EmailMilestone,
        order,
        user.firstName,
      );
      await this.transport.send({
        to: user.email,
        ...email,
        messageId: `<${message._id.replace(/[^\w.-]/g, '.')}@docket>`,
        headers: { 'X-Docket-Idempotency-Key': message._id },
      });
      await this.finish(message, EmailStatus.Sent, {
        sentAt: new Date(),
        to: user.email,
        subject: email.subject,
        lastError: null,
      });
      return 'sent';
    } catch (error) {
      if (error instanceof OrderNotFoundError) {
        await this.finish(message, EmailStatus.Skipped, { lastError: 'Order no longer exists' });
        return 'skipped';
      }
      return this.failed(message, errorMessage(error));
    }
  }

  private async failed(message: Message, reason: string): Promise<NotificationOutcome> {
    const attempts = message.attempts + 1;
    if (attempts >= message.attemptLimit) {
      await this.messages.updateOne(
        { _id: message._id, attempts: message.attempts },
        { $set: { status: EmailStatus.Dead, attempts, lastError: reason } },
      );
      this.logger.warn(`Email ${message._id} is dead after ${attempts} attempts: ${reason}`);
      return 'dead';
    }
    const delay = emailRetryDelayMs(attempts, this.settings.retryBaseMs);
    const nextAttemptAt = new Date(Date.now() + delay);
    await this.messages.updateOne(
      { _id: message._id, attempts: message.attempts },
      {
        $set: { attempts, lastError: reason, nextAttemptAt, dueBucket: dueBucketOf(nextAttemptAt) },
      },
    );
    return 'retried';
  }

  private async finish(
    message: Message,
    status: EmailStatus,
    fields: Partial<Pick<Message, 'sentAt' | 'to' | 'subject' | 'lastError'>>,
  ): Promise<void> {
    await this.messages.updateOne(
      { _id: message._id, attempts: message.attempts },
      { $set: { status, attempts: message.attempts + 1, ...fields } },
    );
  }

  /** Takes the lease by insert; an expired lease of a sender that died is taken over. */
  private async lease(id: string): Promise<boolean> {
    const expiresAt = new Date(Date.now() + this.settings.leaseMs);
    try {
      await this.leases.create({ _id: id, owner: this.owner, expiresAt });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const held = await this.leases.findById(id).lean<EmailSendLeaseDoc>();
    if (!held || held.expiresAt.getTime() > Date.now()) return false;
    const removed = await this.leases.deleteOne({ _id: id, owner: held.owner });
    if (removed.deletedCount !== 1) return false;
    try {
      await this.leases.create({ _id: id, owner: this.owner, expiresAt });
      return true;
    } catch {
      return false;
    }
  }
}
