import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Observable, Subject } from 'rxjs';
import { errorMessage } from '../../common/errors/error-message.js';
import type { AllConfig } from '../../config/index.js';
import { OutboxRecordEvent, type OutboxRecord } from './outbox-record.js';
import { bucketOf, positionAt, timeOfPosition } from './outbox-position.js';
import { OutboxService } from './outbox.service.js';

/** A consumer whose progress survives restarts (email sender, webhook dispatcher). */
export interface DurableOutboxConsumer {
  /** Unique, stable name: its checkpoint's id. */
  name: string;
  /**
   * Handles records in feed order. Must be idempotent (use `record.key`): after a crash the
   * records since the last checkpoint come again. Throwing retries the batch on the next poll.
   */
  handle(records: OutboxRecord[]): Promise<void>;
}

/** Reads past this many records per poll; the rest comes on the next one. */
const BATCH = 500;
/** Within this many buckets of now the feed reads by bucket (pushed down by FerretDB). */
const RECENT_BUCKETS = 12;
/**
 * How far behind its cursor the feed keeps looking for records that became visible late (an
 * insert slower than the stability horizon): those are still handed out, once.
 */
const LATE_WINDOW_MS = 15_000;

/** Positions handed to one reader recently, to hand out late records once and only once. */
class RecentPositions {
  private readonly seen = new Map<string, number>();

  has(position: string): boolean {
    return this.seen.has(position);
  }

  add(position: string): void {
    this.seen.set(position, timeOfPosition(position));
  }

  /** Forgets positions older than `floorMs` (they can no longer be read as late). */
  prune(floorMs: number): void {
    for (const [position, ms] of this.seen) {
      if (ms >= floorMs) break;
      this.seen.delete(position);
    }
  }
}

/**
 * The per-instance reader of the outbox. One poller per instance reads records stored by any
 * instance (so a change made by one process reaches streams held by another), only up to the
 * stability horizon (see outbox-position.ts), and hands them, in feed order, to
 * 1. durable consumers (registered before bootstrap), each from its own stored checkpoint;
 * 2. live subscribers (`records$`: the SSE streams, through LiveStreamRegistry) and Nest
 *    listeners (`OutboxRecordEvent`), from the moment this instance started.
 */
@Injectable()
export class OutboxFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxFeed.name);
  private readonly subject = new Subject<OutboxRecord>();
  private readonly consumers: Array<{
    consumer: DurableOutboxConsumer;
    position: string;
    recent: RecentPositions;
  }> = [];
  private readonly liveRecent = new RecentPositions();
  private readonly settings: AllConfig['notifications']['outbox'];
  private liveFrom = positionAt(0);
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxService,
    private readonly events: EventEmitter2,
    config: ConfigService<AllConfig, true>,
  ) {
    this.settings = config.getOrThrow('notifications', { infer: true }).outbox;
  }

  /** Every record this instance reads from now on (hot; records are not replayed). */
  get records$(): Observable<OutboxRecord> {
    return this.subject.asObservable();
  }

  /** The position live subscribers start after: anything later will be pushed to them. */
  get livePosition(): string {
    return this.liveFrom;
  }

  /** Register in `onModuleInit` (before the feed starts at bootstrap). */
  registerConsumer(consumer: DurableOutboxConsumer): void {
    this.consumers.push({ consumer, position: positionAt(0), recent: new RecentPositions() });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.liveFrom = this.horizon();
    for (const entry of this.consumers) {
      entry.position =
        (await this.outbox.checkpointOf(entry.consumer.name)) ??
        // First run of this consumer: start with what happens from now on.
        this.liveFrom;
    }
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    this.subject.complete();
  }

  /** Reads and hands out what is new now (tests and benches call it to skip the wait). */
  async poll(): Promise<void> {
    while (this.polling) await this.polling;
    this.polling = this.readOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll()
        .catch((error: unknown) => this.logger.error(`Outbox poll failed: ${errorMessage(error)}`))
        .finally(() => this.schedule());
    }, this.settings.pollMs);
    this.timer.unref();
  }

  private horizon(): string {
    return positionAt(Date.now() - this.settings.stabilityMs);
  }

  private async readOnce(): Promise<void> {
    const horizon = this.horizon();
    const floorMs = Date.now() - this.settings.stabilityMs - LATE_WINDOW_MS;
    const floor = positionAt(floorMs);
    const from = this.consumers.reduce(
      (min, c) => (c.position < min ? c.position : min),
      this.liveFrom < floor ? this.liveFrom : floor,
    );
    const records = await this.read(from, horizon);
    // New past the cursor, or late (behind it, within the window, never handed out).
    const wanted = (cursor: string, recent: RecentPositions) =>
      records.filter((r) => r.position > cursor || (r.position > floor && !recent.has(r.position)));
    for (const entry of this.consumers) {
      const mine = wanted(entry.position, entry.recent);
      if (mine.length === 0) continue;
      try {
        await entry.consumer.handle(mine);
        for (const r of mine) entry.recent.add(r.position);
        const last = mine.reduce((max, r) => (r.position > max ? r.position : max), entry.position);
        entry.position = last;
        await this.outbox.saveCheckpoint(entry.consumer.name, entry.position);
      } catch (error) {
        this.logger.error(
          `Outbox consumer ${entry.consumer.name} failed; retrying from ${entry.position}: ${errorMessage(error)}`,
        );
      }
      entry.recent.prune(floorMs);
    }
    for (const record of wanted(this.liveFrom, this.liveRecent)) {
      this.liveRecent.add(record.position);
      if (record.position > this.liveFrom) this.liveFrom = record.position;
      else this.logger.warn(`Outbox record ${record.position} became visible late; sent now`);
      this.subject.next(record);
      this.events.emit(OutboxRecordEvent.eventName, new OutboxRecordEvent(record));
    }
    this.liveRecent.prune(floorMs);
    // Everything before the horizon has been seen by live subscribers.
    if (horizon > this.liveFrom) this.liveFrom = horizon;
  }

  private async read(after: string, before: string): Promise<OutboxRecord[]> {
    const fromBucket = bucketOf(timeOfPosition(after));
    const toBucket = bucketOf(timeOfPosition(before));
    if (toBucket - fromBucket > RECENT_BUCKETS) {
      return this.outbox.readRange(after, before, BATCH);
    }
    const buckets: number[] = [];
    for (let b = fromBucket; b <= toBucket; b++) buckets.push(b);
    const records = await this.outbox.readBuckets(buckets);
    // All of them: the window is a few buckets, and late records sit among handled ones.
    return records.filter((r) => r.position > after && r.position < before);
  }
}
