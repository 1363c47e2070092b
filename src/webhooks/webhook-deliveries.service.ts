import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import { insertedDespiteDuplicates } from '../common/database/duplicate-key.js';
import { DueBucketCursor, dueBucketOf } from '../common/queue/due-buckets.js';
import type { AllConfig } from '../config/index.js';
import type { WebhookDeliveryDto } from './dto/webhook-delivery.dto.js';
import type { LeanWebhookEndpoint } from './schemas/webhook-endpoint.schema.js';
import {
  type DeliveryAttempt,
  type DeliveryStatus,
  LeanWebhookDelivery,
  WebhookDelivery,
} from './schemas/webhook-delivery.schema.js';
import { TEST_EVENT_TYPE, type DeliveryEventType } from './webhook-events.js';
import type { AttemptResult } from './webhook-sender.js';
import { retryDelayMs } from './webhook-retry-policy.js';
import { WebhookDeliveryNotFoundError } from './webhooks.errors.js';

const ATTEMPT_LOG_LENGTH = 20;

export interface NewDelivery {
  endpoint: LeanWebhookEndpoint;
  messageId: string;
  type: DeliveryEventType;
  orderId: string | null;
  position: string;
  /** `{ type, timestamp, data }` as JSON: what is signed and sent on every attempt. */
  body: string;
  /** First attempt not before (default: now). */
  nextAttemptAt?: Date;
}

/** How long due deliveries read but not yet taken are handed out without reading again. */
const CARRY_MS = 5_000;

function sortDue(deliveries: LeanWebhookDelivery[]): LeanWebhookDelivery[] {
  return deliveries.sort(
    (a, b) =>
      a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
      (a.position < b.position ? -1 : a.position > b.position ? 1 : 0),
  );
}

/** What became of an attempt. */
export type AttemptOutcome = 'sent' | 'retry' | 'dead';

export function toDeliveryDto(doc: LeanWebhookDelivery): WebhookDeliveryDto {
  return {
    id: String(doc._id),
    endpointId: doc.endpoint,
    messageId: doc.messageId,
    type: doc.type,
    orderId: doc.orderId ?? null,
    status: doc.status,
    attempts: doc.attempts,
    nextAttemptAt: doc.status === 'pending' ? doc.nextAttemptAt : null,
    lastAttemptAt: doc.lastAttemptAt ?? null,
    lastResponseStatus: doc.lastResponseStatus ?? null,
    lastResponseBody: doc.lastResponseBody ?? null,
    lastDurationMs: doc.lastDurationMs ?? null,
    lastError: doc.lastError ?? null,
    deliveredAt: doc.deliveredAt ?? null,
    attemptLog: (doc.attemptLog ?? []).map((a) => ({
      at: a.at,
      responseStatus: a.responseStatus ?? null,
      durationMs: a.durationMs,
      error: a.error ?? null,
    })),
    createdAt: doc.createdAt,
  };
}

/** Owns `webhook_deliveries`: queueing messages, the delivery log, retries and replays. */
@Injectable()
export class WebhookDeliveriesService {
  /** Where the due scan of each endpoint's queue has got to (see due-buckets.ts). */
  private readonly dueCursors = new Map<string, DueBucketCursor>();
  /**
   * Due deliveries read (a whole bucket at a time) beyond what a batch took, handed to the next
   * batches for a few seconds instead of decoding the bucket again. A stale one is harmless: the
   * dispatcher re-reads every delivery under its lease before sending.
   */
  private readonly carried = new Map<string, { readAt: number; items: LeanWebhookDelivery[] }>();

  constructor(
    @InjectModel(WebhookDelivery.name) private readonly deliveries: Model<WebhookDelivery>,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * Queues deliveries; one already stored for the same endpoint and `webhook-id` (a change
   * fanned out twice, by a restart or by two instances) is skipped. Returns how many were new.
   */
  async enqueue(items: NewDelivery[], now = new Date()): Promise<number> {
    if (items.length === 0) return 0;
    const retryWindowMs = this.config.getOrThrow('webhooks.retryWindowMs', { infer: true });
    const docs = items.map((item) => ({
      dedupeKey: `${String(item.endpoint._id)}:${item.messageId}`,
      endpoint: String(item.endpoint._id),
      messageId: item.messageId,
      type: item.type,
      orderId: item.orderId,
      position: item.position,
      body: item.body,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: item.nextAttemptAt ?? now,
      dueBucket: dueBucketOf(item.nextAttemptAt ?? now),
      retryUntil: new Date(now.getTime() + retryWindowMs),
      attemptLog: [],
      createdAt: now,
      updatedAt: now,
    }));
    try {
      const result = await this.deliveries.collection.insertMany(docs, { ordered: false });
      return result.insertedCount;
    } catch (error) {
      return insertedDespiteDuplicates(error, docs.length);
    }
  }

  /**
   * A `webhook.test` message for one endpoint (not ordered with the endpoint's other messages).
   * Its first attempt is the request's own (`attemptNow`): the delivery loop would only pick it
   * up a lease period later, if the request died before sending.
   */
  async enqueueTest(
    endpoint: LeanWebhookEndpoint,
    leaseMs: number,
    now = new Date(),
  ): Promise<LeanWebhookDelivery> {
    const messageId = `msg_test_${randomBytes(12).toString('hex')}`;
    const body = JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: now.toISOString(),
      data: { endpointId: String(endpoint._id), message: 'Test delivery from Docket' },
    });
    await this.enqueue(
      [
        {
          endpoint,
          messageId,
          type: TEST_EVENT_TYPE,
          orderId: null,
          position: '',
          body,
          nextAttemptAt: new Date(now.getTime() + leaseMs),
        },
      ],
      now,
    );
    const doc = await this.deliveries
      .findOne({ dedupeKey: `${String(endpoint._id)}:${messageId}` })
      .lean<LeanWebhookDelivery>();
    if (!doc) throw new WebhookDeliveryNotFoundError(messageId);
    return doc;
  }

  async listForEndpoint(
    endpointId: string,
    status: DeliveryStatus | undefined,
    limit: number,
  ): Promise<WebhookDeliveryDto[]> {
    const filter: Record<string, unknown> = { endpoint: endpointId };
    if (status) filter.status = status;
    const docs = await this.deliveries
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<LeanWebhookDelivery[]>();
    return docs.map(toDeliveryDto);
  }

  async get(id: string): Promise<LeanWebhookDelivery> {
    const doc = isValidObjectId(id)
      ? await this.deliveries.findById(id).lean<LeanWebhookDelivery>()
      : null;
    if (!doc) throw new WebhookDeliveryNotFoundError(id);
    return doc;
  }

  /**
   * Sends a delivery again, under the same `webhook-id` and body (receivers deduplicate), with
   * a fresh 24 h retry window. Its attempt history is kept.
   */
  async replay(id: string, now = new Date()): Promise<WebhookDeliveryDto> {
    await this.get(id);
    const retryWindowMs = this.config.getOrThrow('webhooks.retryWindowMs', { infer: true });
    const doc = await this.deliveries
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            status: 'pending',
            nextAttemptAt: now,
            dueBucket: dueBucketOf(now),
            retryUntil: new Date(now.getTime() + retryWindowMs),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<LeanWebhookDelivery>();
    if (!doc) throw new WebhookDeliveryNotFoundError(id);
    return toDeliveryDto(doc);
  }

  async removeForEndpoint(endpointId: string): Promise<void> {
    await this.deliveries.deleteMany({ endpoint: endpointId });
  }

  /**
   * Pending deliveries of these endpoints whose time has come, soonest first (per endpoint, at
   * most `limit` in all). Read per endpoint and due bucket, so FerretDB decodes only the
   * buckets' pending deliveries, not the whole backlog with its bodies on every batch.
   */
  async findDue(endpointIds: string[], now: Date, limit: number): Promise<LeanWebhookDelivery[]> {
    const due: LeanWebhookDelivery[] = [];
    for (const endpoint of endpointIds) {
      const carried = this.carried.get(endpoint);
      const fresh = carried && now.getTime() - carried.readAt < CARRY_MS ? carried.items : [];
      const items = fresh.length > 0 ? fresh : sortDue(await this.dueOf(endpoint, now, limit));
      due.push(...items.slice(0, limit));
      if (fresh.length === 0) this.carried.set(endpoint, { readAt: now.getTime(), items: [] });
      this.carried.get(endpoint)!.items = items.slice(limit);
    }
    return sortDue(due).slice(0, limit);
  }

  private async dueOf(endpoint: string, now: Date, limit: number) {
    let cursor = this.dueCursors.get(endpoint);
    if (!cursor) {
      cursor = new DueBucketCursor({ sweepEveryMs: 300_000, lateBuckets: 1 });
      this.dueCursors.set(endpoint, cursor);
    }
    const buckets = await cursor.plan(now, async () => {
      // Deliveries queued by code older than `dueBucket`: due from now on (sent once due).
      await this.deliveries.updateMany(
        { endpoint, status: 'pending', dueBucket: { $exists: false } },
        { $set: { dueBucket: dueBucketOf(now) } },
      );
      const found = await this.deliveries.distinct('dueBucket', { endpoint, status: 'pending' });
      return found.filter((b): b is number => typeof b === 'number');
    });
    const due: LeanWebhookDelivery[] = [];
    for (const dueBucket of buckets) {
      if (due.length >= limit) break;
      const pending = await this.deliveries
        .find({ endpoint, status: 'pending', dueBucket })
        .lean<LeanWebhookDelivery[]>();
      cursor.read(dueBucket, pending.length > 0);
      due.push(...pending.filter((d) => d.nextAttemptAt.getTime() <= now.getTime()));
    }
    return due;
  }

  /**
   * When an earlier message of the same order is still pending for the endpoint, this one waits
   * (one endpoint receives one order's messages in order; dead messages do not block): it is
   * moved to the blocker's next attempt time and true is returned.
   */
  async deferBehindEarlier(delivery: LeanWebhookDelivery): Promise<boolean> {
    if (!delivery.orderId) return false;
    const pending = await this.deliveries
      .find({ endpoint: delivery.endpoint, orderId: delivery.orderId, status: 'pending' })
      .select({ position: 1, nextAttemptAt: 1 })
      .lean<Array<{ position: string; nextAttemptAt: Date }>>();
    const earlier = pending.filter((p) => p.position < delivery.position);
    if (earlier.length === 0) return false;
    const blockerDue = Math.min(...earlier.map((p) => p.nextAttemptAt.getTime()));
    if (blockerDue > delivery.nextAttemptAt.getTime()) {
      const nextAttemptAt = new Date(blockerDue);
      await this.deliveries.updateOne(
        { _id: delivery._id, status: 'pending' },
        { $set: { nextAttemptAt, dueBucket: dueBucketOf(nextAttemptAt) } },
      );
    }
    return true;
  }

  /**
   * Stores an attempt's result. Only the holder of the attempt's lease calls this, so the
   * whole-document write by `_id` cannot lose a concurrent attempt's result.
   */
  async recordAttempt(
    delivery: LeanWebhookDelivery,
    result: AttemptResult,
    at: Date,
  ): Promise<AttemptOutcome> {
    const policy = this.config.getOrThrow('webhooks', { infer: true });
    const attempts = delivery.attempts + 1;
    const entry: DeliveryAttempt = {
      at,
      responseStatus: result.responseStatus,
      durationMs: result.durationMs,
      error: result.error,
    };
    const attemptLog = [...(delivery.attemptLog ?? []), entry].slice(-ATTEMPT_LOG_LENGTH);
    let outcome: AttemptOutcome;
    let nextAttemptAt = delivery.nextAttemptAt;
    if (result.ok) {
      outcome = 'sent';
    } else {
      nextAttemptAt = new Date(at.getTime() + retryDelayMs(attempts, policy));
      outcome = nextAttemptAt.getTime() > delivery.retryUntil.getTime() ? 'dead' : 'retry';
    }
    await this.deliveries.updateOne(
      { _id: delivery._id },
      {
        $set: {
          status: outcome === 'sent' ? 'succeeded' : outcome === 'dead' ? 'dead' : 'pending',
          attempts,
          nextAttemptAt,
          dueBucket: dueBucketOf(nextAttemptAt),
          lastAttemptAt: at,
          lastResponseStatus: result.responseStatus,
          lastResponseBody: result.responseBody,
          lastDurationMs: result.durationMs,
          lastError: result.error,
          attemptLog,
          ...(result.ok ? { deliveredAt: at } : {}),
        },
      },
    );
    return outcome;
  }

  /** Deletes succeeded and dead deliveries last touched before `before` (retention). */
  async purgeFinished(before: Date): Promise<number> {
    const [succeeded, dead] = await Promise.all(
      (['succeeded', 'dead'] as const).map((status) =>
        this.deliveries.deleteMany({ status, updatedAt: { $lt: before } }),
      ),
    );
    return succeeded.deletedCount + dead.deletedCount;
  }

  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const [pending, succeeded, dead] = await Promise.all(
      (['pending', 'succeeded', 'dead'] as const).map((status) =>
        this.deliveries.countDocuments({ status }),
      ),
    );
    return { pending, succeeded, dead };
  }
}
