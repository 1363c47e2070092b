import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config/index.js';
import { NotificationCounters } from '../notifications/notification-counters.service.js';
import { errorMessage } from '../common/errors/error-message.js';
import type { LeanWebhookDelivery } from './schemas/webhook-delivery.schema.js';
import { WebhookDeliveriesService, type AttemptOutcome } from './webhook-deliveries.service.js';
import { WebhookDeliveryLeases } from './webhook-delivery-leases.service.js';
import { signingSecrets, WebhookEndpointsService } from './webhook-endpoints.service.js';
import { sendWebhook } from './webhook-sender.js';

const HOUSEKEEPING_EVERY_MS = 10 * 60 * 1000;

export interface WebhookCounters {
  sent: number;
  retried: number;
  dead: number;
}

export interface DeliveryBatchSummary extends WebhookCounters {
  claimed: number;
  /** Due, but an earlier message of the same order to the same endpoint is still pending. */
  waiting: number;
  durationMs: number;
}

/** Webhook counts since this instance started (also in GET /api/notifications/admin/counts). */
export function webhookCounts(counters: NotificationCounters): WebhookCounters {
  const { sent, retried, dead } = counters.snapshot().webhooks;
  return { sent, retried, dead };
}

/**
 * The delivery loop: sends what is due (queued by WebhooksOutboxConsumer), each attempt leased so that two instances never send the same attempt. Logs one line per batch that did
 * anything; counts since start go to NotificationCounters (channel `webhooks`).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<DeliveryBatchSummary> | null = null;
  private stopping = false;
  private lastHousekeeping = 0;

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly leases: WebhookDeliveryLeases,
    private readonly counters: NotificationCounters,
  ) {}

  onApplicationBootstrap(): void {
    const { deliveryEnabled, pollIntervalMs } = this.config.getOrThrow('webhooks', { infer: true });
    if (!deliveryEnabled) return;
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), pollIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One batch; joins the batch already running on this instance. */
  runOnce(): Promise<DeliveryBatchSummary> {
    this.running ??= this.batch().finally(() => (this.running = null));
    return this.running;
  }

  /** How long one attempt is owned by one instance. */
  get leaseMs(): number {
    return this.config.getOrThrow('webhooks.leaseMs', { infer: true });
  }

  /**
   * Sends one delivery now (the endpoint test route), also to a disabled endpoint so an admin
   * can check it before re-enabling; returns the delivery as stored afterwards.
   */
  async attemptNow(delivery: LeanWebhookDelivery): Promise<LeanWebhookDelivery> {
    await this.attempt(delivery, true);
    return this.deliveries.get(String(delivery._id));
  }

  private async batch(): Promise<DeliveryBatchSummary> {
    const started = performance.now();
    const cfg = this.config.getOrThrow('webhooks', { infer: true });
    const summary: DeliveryBatchSummary = {
      claimed: 0,
      sent: 0,
      retried: 0,
      dead: 0,
      waiting: 0,
      durationMs: 0,
    };
    try {
      const active = (await this.endpoints.findActive()).map((e) => String(e._id));
      const due = await this.deliveries.findDue(active, new Date(), cfg.batchSize);
      const ready = await this.inOrder(due, summary);
      await runLimited(ready, cfg.concurrency, async (delivery) => {
        if (this.stopping) return;
        const outcome = await this.attempt(delivery);
        if (!outcome) return;
        summary.claimed += 1;
        if (outcome === 'sent') summary.sent += 1;
        else if (outcome === 'retry') summary.retried += 1;
        else summary.dead += 1;
      });
    } catch (error) {
      this.logger.error(`Webhook batch failed: ${errorMessage(error)}`);
    }
    await this.housekeeping();
    summary.durationMs = Math.round(performance.now() - started);
    if (summary.claimed > 0) {
      this.logger.log(
        `Webhook batch: attempted ${summary.claimed}, sent ${summary.sent}, ` +
          `retrying ${summary.retried}, dead ${summary.dead}, waiting ${summary.waiting} in ${summary.durationMs} ms`,
      );
    }
    return summary;
  }

  /**
   * Every 10 minutes: drops leases crashed holders left (no TTL indexes on FerretDB) and
   * finished deliveries past the retention period.
   */
  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < HOUSEKEEPING_EVERY_MS) return;
    this.lastHousekeeping = now;
    const { leaseMs, retentionDays } = this.config.getOrThrow('webhooks', { infer: true });
    try {
      await this.leases.purgeExpired(new Date(now - leaseMs));
      await this.deliveries.purgeFinished(new Date(now - retentionDays * 24 * 3600_000));
    } catch (error) {
      this.logger.warn(`Webhook housekeeping failed: ${errorMessage(error)}`);
    }
  }

  /** Keeps the first due message per endpoint and order, and only if nothing earlier is pending. */
  private async inOrder(
    due: LeanWebhookDelivery[],
    summary: DeliveryBatchSummary,
  ): Promise<LeanWebhookDelivery[]> {
    const sorted = [...due].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
    );
    const seen = new Set<string>();
    const ready: LeanWebhookDelivery[] = [];
    for (const delivery of sorted) {
      const key = delivery.orderId
        ? `${delivery.endpoint}:${delivery.orderId}`
        : String(delivery._id);
      if (seen.has(key) || (await this.deliveries.deferBehindEarlier(delivery))) {
        summary.waiting += 1;
        continue;
      }
      seen.add(key);
      ready.push(delivery);
    }
    return ready;
  }

  /** Leases, sends and records one attempt; null when another instance has it. */
  private async attempt(
    candidate: LeanWebhookDelivery,
    evenIfDisabled = false,
  ): Promise<AttemptOutcome | null> {
    const cfg = this.config.getOrThrow('webhooks', { infer: true });
    const deliveryId = String(candidate._id);
    const lease = await this.leases.claim(this.owner, deliveryId, candidate.attempts, cfg.leaseMs);
    if (!lease) return null;
    try {
      // Re-read under the lease: another instance may have finished this attempt meanwhile.
      const delivery = await this.deliveries.get(deliveryId);
      if (delivery.status !== 'pending' || delivery.attempts !== candidate.attempts) return null;
      const endpoint = (await this.endpoints.findMany([delivery.endpoint])).get(delivery.endpoint);
      if (!endpoint || (endpoint.status !== 'active' && !evenIfDisabled)) return null;
      const at = new Date();
      const result = await sendWebhook(
        {
          url: endpoint.url,
          messageId: delivery.messageId,
          body: delivery.body,
          secrets: signingSecrets(endpoint, at),
        },
        { allowPrivate: cfg.allowPrivateTargets, timeoutMs: cfg.timeoutMs },
      );
      const outcome = await this.deliveries.recordAttempt(delivery, result, at);
      if (result.ok) await this.endpoints.recordSuccess(endpoint, at);
      else await this.endpoints.recordFailure(endpoint, at);
      this.counters.add('webhooks', outcome === 'retry' ? 'retried' : outcome);
      if (outcome === 'dead') {
        this.logger.warn(
          `Webhook ${delivery.messageId} to ${endpoint.url} is dead after ${delivery.attempts + 1} attempts: ${result.error ?? ''}`,
        );
      }
      return outcome;
    } finally {
      await this.leases.release(lease);
    }
  }
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function runLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(workers);
}
