import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Observable, Subject } from 'rxjs';
import { errorMessage } from '../../common/errors/error-message.js';
import type { AllConfig } from '../../config/index.js';
import { OutboxRecordEvent, type OutboxRecord } from './outbox-record.js';
import { bucketOf, positionAt, slotOf, timeOfPosition } from './outbox-position.js';
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

/** A consumer catching up reads whole buckets until it has at least this many records. */
const BATCH = 500;
/**
 * How far behind its cursor the feed keeps looking for records that became visible late (an
 * insert slower than the stability horizon): those are still handed out, once.
 */
const LATE_WINDOW_MS = 15_000;
/**
 * The late window is re-read at most this often (each poll reads only from the cursors on): a
 * late record is rare (an insert slower than the stability horizon), and each look-back decodes
 * the whole window again.
 */
const LATE_CHECK_EVERY_MS = 5_000;

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
  private readonly consumers: ConsumerState[] = [];
  private readonly liveRecent = new RecentPositions();
  private readonly settings: AllConfig['notifications']['outbox'];
  private liveFrom = positionAt(0);
  private liveLateCheckAt = 0;
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
    this.consumers.push({
      consumer,
      position: positionAt(0),
      recent: new RecentPositions(),
      lateCheckAt: 0,
      round: null,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const backfilled = await this.outbox.backfillDirectory();
    if (backfilled > 0) this.logger.warn(`Outbox: ${backfilled} bucket(s) added to the directory`);
    this.liveFrom = this.horizon();
    for (const entry of this.consumers) {
      const stored = await this.outbox.checkpointOf(entry.consumer.name);
      entry.position = stored ?? this.liveFrom;
      // First run of this consumer: it starts with what happens from now on, and that start is
      // stored at once. Otherwise a process dying before the consumer's first record would leave
      // the next one to start at its own "now", skipping what was relayed in between.
      if (stored === null) await this.outbox.saveCheckpoint(entry.consumer.name, entry.position);
    }
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.roundsDone();
    this.subject.complete();
  }

  /**
   * Reads and hands out what is new now, and waits for the durable consumers' rounds (tests and
   * benches call it to skip the wait).
   */
  async poll(): Promise<void> {
    while (this.polling) await this.polling;
    this.polling = this.readOnce().finally(() => (this.polling = null));
    await this.polling;
    await this.roundsDone();
  }

  private async roundsDone(): Promise<void> {
    for (const entry of this.consumers) if (entry.round) await entry.round;
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

  /**
   * One poll: reads the recent buckets once (from the live cursor and the cursors of durable
   * consumers that are close behind; the late window only every few seconds), hands live
   * subscribers their records, and starts a round for each durable consumer that is idle. A
   * round runs on its own, so a slow consumer delays neither live streams nor the others, and
   * a consumer far behind catches up by itself, by bucket, without widening everyone's reads.
   */
  private async readOnce(): Promise<void> {
    const now = Date.now();
    const horizon = this.horizon();
    const floorMs = now - this.settings.stabilityMs - LATE_WINDOW_MS;
    const floor = positionAt(floorMs);
    // Each reader looks behind its cursor for late records at most every LATE_CHECK_EVERY_MS.
    const lateDue = (checkedAt: number) => now - checkedAt >= LATE_CHECK_EVERY_MS;
    const idle = this.consumers.filter((c) => !c.round);
    const catchingUp = (c: ConsumerState) =>
      bucketOf(timeOfPosition(c.position)) < bucketOf(floorMs);
    const inWindow = idle.filter((c) => !catchingUp(c));
    const anyLate = lateDue(this.liveLateCheckAt) || inWindow.some((c) => lateDue(c.lateCheckAt));
    const from = [this.liveFrom, ...inWindow.map((c) => c.position)].reduce(
      (min, p) => (p < min ? p : min),
      anyLate || this.liveFrom < floor ? floor : this.liveFrom,
    );
    const records = await this.readWindow(from, horizon);
    // New past the cursor, or (on a late check) behind it, in the window, never handed out.
    const wanted = (cursor: string, recent: RecentPositions, checkedAt: number) => {
      const late = lateDue(checkedAt) ? floor : horizon;
      return records.filter(
        (r) => r.position > cursor || (r.position > late && !recent.has(r.position)),
      );
    };

    const forLive = wanted(this.liveFrom, this.liveRecent, this.liveLateCheckAt);
    if (lateDue(this.liveLateCheckAt)) this.liveLateCheckAt = now;
    for (const record of forLive) {
      this.liveRecent.add(record.position);
      if (record.position > this.liveFrom) this.liveFrom = record.position;
      else this.logger.warn(`Outbox record ${record.position} became visible late; sent now`);
      this.subject.next(record);
      this.events.emit(OutboxRecordEvent.eventName, new OutboxRecordEvent(record));
    }
    this.liveRecent.prune(floorMs);
    // Everything before the horizon has been seen by live subscribers.
    if (horizon > this.liveFrom) this.liveFrom = horizon;

    for (const entry of idle) {
      let work: Promise<void>;
      if (catchingUp(entry)) {
        work = this.catchUp(entry, horizon);
      } else {
        work = this.deliver(entry, wanted(entry.position, entry.recent, entry.lateCheckAt));
        if (lateDue(entry.lateCheckAt)) entry.lateCheckAt = now;
      }
      entry.round = work
        .then(() => entry.recent.prune(floorMs))
        .catch((error: unknown) =>
          this.logger.error(
            `Outbox consumer ${entry.consumer.name} failed; retrying from ${entry.position}: ${errorMessage(error)}`,
          ),
        )
        .finally(() => (entry.round = null));
    }
  }

  /**
   * Hands records to a consumer and moves its checkpoint past them (or to `upTo`, when nothing
   * before it can be missing).
   */
  private async deliver(entry: ConsumerState, records: OutboxRecord[], upTo?: string) {
    if (records.length > 0) await entry.consumer.handle(records);
    for (const r of records) entry.recent.add(r.position);
    const last = records.reduce((max, r) => (r.position > max ? r.position : max), upTo ?? '');
    if (last <= entry.position) return;
    entry.position = last;
    await this.outbox.saveCheckpoint(entry.consumer.name, entry.position);
  }

  /**
   * A consumer behind the recent window reads forward from its checkpoint, non-empty bucket by
   * non-empty bucket (equality reads, one directory read per hour of a gap), whole buckets
   * until it has a batch, in exact feed order, up to the horizon.
   */
  private async catchUp(entry: ConsumerState, horizon: string): Promise<void> {
    const fromBucket = bucketOf(timeOfPosition(entry.position));
    const toBucket = bucketOf(timeOfPosition(horizon));
    const batch: OutboxRecord[] = [];
    let exhausted = true;
    for await (const bucket of this.outbox.nonEmptyBuckets(fromBucket, toBucket)) {
      const records = await this.outbox.readBucket(bucket);
      batch.push(...records.filter((r) => r.position > entry.position && r.position < horizon));
      if (batch.length >= BATCH) {
        exhausted = false;
        break;
      }
    }
    // Read up to the horizon: nothing before it is missing (gaps are skipped for good).
    await this.deliver(entry, batch, exhausted ? horizon : undefined);
  }

  /**
   * Records with `after < position < before`, by 1-second slot (equality filters FerretDB pushes
   * down; the window is seconds long, so whole 10-second buckets would decode far more).
   */
  private async readWindow(after: string, before: string): Promise<OutboxRecord[]> {
    const slots: number[] = [];
    const toSlot = slotOf(timeOfPosition(before));
    for (let s = slotOf(timeOfPosition(after)); s <= toSlot; s++) slots.push(s);
    const records = await this.outbox.readSlots(slots);
    return records.filter((r) => r.position > after && r.position < before);
  }
}

interface ConsumerState {
  consumer: DurableOutboxConsumer;
  position: string;
  recent: RecentPositions;
  /** When it last looked behind its cursor for late records. */
  lateCheckAt: number;
  /** The consumer's round in progress, if any. */
  round: Promise<void> | null;
}
