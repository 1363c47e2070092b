import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model } from 'mongoose';
import { asError, errorMessage as messageOf } from '../common/errors/error-message.js';
import type { AllConfig } from '../config/index.js';
import type { CourierProvider, ShipmentTracking } from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import { ShipmentStatusChangedEvent } from './events/shipment-status-changed.event.js';
import { ShipmentTrackingUpdatedEvent } from './events/shipment-tracking-updated.event.js';
import { Tracking } from './schemas/tracking.schema.js';
import { HeldLease, LeaseCandidate, TrackingLeases } from './tracking-leases.service.js';
import { TrackingSchedule } from './tracking-schedule.service.js';
import {
  applyCourierTracking,
  CourierOutcome,
  failureBookkeeping,
  SyncPolicy,
  TrackingSnapshot,
} from './tracking-state.js';
import { historyOf, type StoredTracking } from './tracking-view.js';
import { syncEntries } from './tracking-outbox.js';
import { OutboxEntriesWrittenEvent, type OutboxEntry } from '../common/outbox/outbox-entry.js';

/** What one sync pass did; also logged as one line. */
export interface SyncPassSummary {
  passId: string;
  startedAt: Date;
  durationMs: number;
  /** Due trackings this pass leased and polled. */
  claimed: number;
  /** Polled and something about the shipment changed (status, scans, ETA, raw code). */
  changed: number;
  /** Of `changed`, how many changed status (one event each). */
  statusChanged: number;
  unchanged: number;
  /** Courier errors (outage, breaker open, broken answer) and storage errors. */
  failed: number;
  /** The courier has no tracking for the docket yet (soft failure, retried later). */
  notFound: number;
  /** Results dropped because the lease ran out before they could be written. */
  lostLeases: number;
  /** Courier calls this pass made (one per `trackMany` batch, one per single-docket fallback). */
  courierCalls: number;
  /** Unacknowledged status changes whose event was re-emitted. */
  reconciled: number;
}

type Counters = Omit<SyncPassSummary, 'passId' | 'startedAt' | 'durationMs' | 'reconciled'>;

/** One docket's answer from the courier. */
type CourierResult =
  | { kind: 'found'; tracking: ShipmentTracking }
  | { kind: 'not_found'; reason: string }
  | { kind: 'failed'; error: string };

/** How a single-docket sync ended (startTracking, admin refresh). */
export type SingleSyncResult = 'synced' | 'failed' | 'not_found' | 'busy' | 'missing';

interface ClaimedTracking {
  lease: HeldLease;
  doc: StoredTracking;
}

const MAX_ERROR_LENGTH = 500;
/** Leases older than this are garbage from crashed holders and are purged after a pass. */
const LEASE_PURGE_AFTER_MS = 24 * 60 * 60_000;
/**
 * Update statements the pass keeps in flight across its concurrent batches. FerretDB v1 (SQLite)
 * holds one of its 100 SQLite connections for every statement of an `update` command until the
 * whole command ends, and needs one more to write each: four concurrent 50-statement bulk writes
 * exhaust the pool and hang the server for good. So a batch is written in bulk writes of
 * this many ÷ concurrency statements (at least one), one after the other.
 */
const UPDATES_IN_FLIGHT = 32;

function errorMessage(error: unknown): string {
  const message = messageOf(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

/** Sequel247 errors carry `retryable`: a transient outage fails a whole batch at once. */
function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === true
  );
}

function isDocketNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'SEQUEL247_DOCKET_NOT_FOUND'
  );
}

/** Runs the task one call at a time, whoever calls: the pass's claim step is not re-entrant. */
function serialized<T>(task: () => Promise<T>): () => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function emptyCounters(): Counters {
  return {
    claimed: 0,
    changed: 0,
    statusChanged: 0,
    unchanged: 0,
    failed: 0,
    notFound: 0,
    lostLeases: 0,
    courierCalls: 0,
  };
}

/**
 * Polls the courier for due trackings. A pass takes the due trackings from TrackingSchedule,
 * claims them batch by batch with leases (an insert per tracking, so another instance never gets
 * the same docket in the same window), keeps `concurrency` courier batches in flight, and writes
 * each tracking with one update by `_id` that bumps its `syncSeq`.
 */
@Injectable()
export class TrackingPoller {
  private readonly logger = new Logger(TrackingPoller.name);
  private readonly instanceId = `${hostname()}:${process.pid}`;

  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    private readonly leases: TrackingLeases,
    private readonly schedule: TrackingSchedule,
    private readonly couriers: CourierRegistry,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly events: EventEmitter2,
  ) {}

  private get settings() {
    return this.config.getOrThrow('tracking', { infer: true });
  }

  private get policy(): SyncPolicy {
    return this.settings;
  }

  /** Polls every due, non-terminal tracking once, then reconciles unacknowledged changes. */
  async runPass(): Promise<SyncPassSummary> {
    const passId = `${this.instanceId}:${randomBytes(4).toString('hex')}`;
    const startedAt = new Date();
    const { concurrency } = this.settings;
    const batchSize = this.config.getOrThrow('sequel247.batchSize', { infer: true });
    const counters = emptyCounters();
    const isDue = (doc: StoredTracking) =>
      !doc.terminal && doc.nextSyncAt !== null && doc.nextSyncAt <= startedAt;

    // Only what was due when the pass started: what falls due meanwhile waits for the next pass,
    // so a pass always ends. The schedule finds them slot by slot, by equality (see
    // TrackingSchedule); `isDue` drops what is in the current minute's slot but not due yet.
    const walk = await this.schedule.walk(startedAt);
    const cursor = walk.candidates();

    const claimNext = serialized(async (): Promise<ClaimedTracking[] | null> => {
      const candidates: LeaseCandidate[] = [];
      while (candidates.length < batchSize) {
        const next = await cursor.next();
        if (next.done) break;
        candidates.push({ id: next.value._id, seq: next.value.syncSeq ?? 0 });
      }
      if (candidates.length === 0) return null;
      return this.claim(passId, candidates, isDue);
    });

    const worker = async () => {
      for (;;) {
        const batch = await claimNext();
        if (!batch) return;
        if (batch.length === 0) continue;
        counters.claimed += batch.length;
        await this.syncBatch(batch, counters);
      }
    };

    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      await cursor.return(undefined);
    }
    await walk.finish();
    const reconciled = await this.reconcile();
    await this.leases.purgeExpired(new Date(Date.now() - LEASE_PURGE_AFTER_MS));

    const summary: SyncPassSummary = {
      passId,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      ...counters,
      reconciled,
    };
    this.logger.log(
      `Tracking sync pass ${passId}: claimed=${summary.claimed} changed=${summary.changed} ` +
        `statusChanged=${summary.statusChanged} unchanged=${summary.unchanged} ` +
        `failed=${summary.failed} notFound=${summary.notFound} lostLeases=${summary.lostLeases} ` +
        `courierCalls=${summary.courierCalls} reconciled=${summary.reconciled} ` +
        `durationMs=${summary.durationMs}`,
    );
    return summary;
  }

  /**
   * Polls one tracking now, due or not, terminal or not (a terminal one only gains late scans).
   * Returns 'busy' when another sync holds its lease.
   */
  async syncOne(id: string): Promise<SingleSyncResult> {
    const current = await this.trackings.findById(id, { syncSeq: 1 }).lean();
    if (!current) return 'missing';
    const owner = `${this.instanceId}:one:${randomBytes(4).toString('hex')}`;
    const [claimed] = await this.claim(owner, [{ id, seq: current.syncSeq ?? 0 }], () => true);
    if (!claimed) return 'busy';
    const counters = emptyCounters();
    counters.claimed = 1;
    await this.syncBatch([claimed], counters);
    if (counters.notFound) return 'not_found';
    if (counters.failed || counters.lostLeases) return 'failed';
    return 'synced';
  }

  /**
   * Applies an answer that did not come from polling (an admin's milestone for a manual
   * courier) exactly like a sync's: the same history merge, forward-only status, write, events.
   */
  async recordOne(id: string, tracking: ShipmentTracking): Promise<SingleSyncResult> {
    const current = await this.trackings.findById(id, { syncSeq: 1 }).lean();
    if (!current) return 'missing';
    const owner = `${this.instanceId}:record:${randomBytes(4).toString('hex')}`;
    const [claimed] = await this.claim(owner, [{ id, seq: current.syncSeq ?? 0 }], () => true);
    if (!claimed) return 'busy';
    const counters = emptyCounters();
    try {
      const answer: CourierResult = { kind: 'found', tracking };
      await this.writeResults([claimed], new Map([[claimed.doc.docketNumber, answer]]), counters);
    } finally {
      await this.leases.release([claimed.lease]);
    }
    return counters.lostLeases ? 'failed' : 'synced';
  }

  /**
   * Re-emits the event of every status change the Orders side has not acknowledged within the
   * grace period, so a lost event (a crash between write and listener, a failing listener) is
   * repaired. Each replay holds the tracking's lease, so the listener's acknowledgement never
   * races a sync write. Listeners are idempotent, so a duplicate is harmless.
   */
  async reconcile(): Promise<number> {
    const cutoff = new Date(Date.now() - this.settings.reconcileGraceSeconds * 1000);
    const owner = `${this.instanceId}:reconcile:${randomBytes(4).toString('hex')}`;
    const cursor = this.trackings
      .find({ orderAckPending: true, statusChangedAt: { $lte: cutoff } }, { _id: 1, syncSeq: 1 })
      .lean<Array<{ _id: string; syncSeq?: number }>>()
      .cursor({ batchSize: 200 });
    let count = 0;
    try {
      for (let next = await cursor.next(); next; next = await cursor.next()) {
        const [claimed] = await this.claim(owner, [{ id: next._id, seq: next.syncSeq ?? 0 }], (d) =>
          Boolean(d.orderAckPending),
        );
        if (!claimed) continue; // being synced right now: the sync's own event covers it
        try {
          await this.publish(eventFor(claimed.doc, true));
          count += 1;
        } finally {
          await this.leases.release([claimed.lease]);
        }
      }
    } finally {
      await cursor.close();
    }
    if (count > 0)
      this.logger.warn(`Reconcile re-emitted ${count} unacknowledged status change(s)`);
    return count;
  }

  /**
   * Leases the candidates, then re-reads each one it got (by `_id`): a lease taken on an
   * out-of-date `syncSeq` (someone synced it since it was read), or on a tracking that no longer
   * qualifies, is released at once.
   */
  private async claim(
    owner: string,
    candidates: LeaseCandidate[],
    stillWanted: (doc: StoredTracking) => boolean,
  ): Promise<ClaimedTracking[]> {
    const held = await this.leases.claim(owner, candidates, this.settings.leaseMs);
    const docs = await Promise.all(
      held.map((lease) => this.trackings.findById(lease.id).lean<StoredTracking>()),
    );
    const claimed: ClaimedTracking[] = [];
    const stale: HeldLease[] = [];
    held.forEach((lease, i) => {
      const doc = docs[i];
      if (doc && (doc.syncSeq ?? 0) === lease.seq && stillWanted(doc)) claimed.push({ lease, doc });
      else stale.push(lease);
    });
    await this.leases.release(stale);
    return claimed;
  }

  /** Polls one claimed batch, writes every result and releases the leases; never throws. */
  private async syncBatch(batch: ClaimedTracking[], counters: Counters): Promise<void> {
    const results = new Map<string, CourierResult>();
    // A batch may mix couriers: one trackMany per courier.
    const byCourier = new Map<string, string[]>();
    for (const { doc } of batch) {
      const dockets = byCourier.get(doc.courierService) ?? [];
      dockets.push(doc.docketNumber);
      byCourier.set(doc.courierService, dockets);
    }
    for (const [courierService, dockets] of byCourier) {
      try {
        const provider = this.couriers.get(courierService);
        if (!provider.capabilities.polling) {
          throw new Error(`${courierService} is not polled; its milestones are recorded by hand`);
        }
        for (const [docket, result] of await this.askCourier(provider, dockets, counters)) {
          results.set(docket, result);
        }
      } catch (error) {
        // askCourier maps every courier failure; this is a last guard so a pass never stops.
        const failed: CourierResult = { kind: 'failed', error: errorMessage(error) };
        for (const docket of dockets) results.set(docket, failed);
      }
    }
    try {
      await this.writeResults(batch, results, counters);
      await this.leases.release(batch.map((c) => c.lease));
    } catch (error) {
      // The leases stay until they expire, so these trackings are retried by a later pass.
      counters.failed += batch.length;
      this.logger.error(
        `Could not store a tracking batch (${batch.length}): ${errorMessage(error)}`,
      );
    }
  }

  /**
   * One `trackMany` for the batch. A transient outage (retryable error, breaker open) fails the
   * batch as a whole, to be retried on a later pass; any other batch error falls back to one call
   * per docket, so one bad docket cannot sink its neighbours.
   */
  private async askCourier(
    courier: CourierProvider,
    dockets: string[],
    counters: Counters,
  ): Promise<Map<string, CourierResult>> {
    const results = new Map<string, CourierResult>();
    try {
      counters.courierCalls += 1;
      const answer = await courier.trackMany(dockets);
      for (const tracking of answer.found) {
        results.set(tracking.docketNumber, { kind: 'found', tracking });
      }
      for (const missing of answer.notFound) {
        results.set(missing.docketNumber, { kind: 'not_found', reason: missing.reason });
      }
      for (const docket of dockets) {
        if (!results.has(docket)) {
          results.set(docket, {
            kind: 'failed',
            error: 'The courier answer did not mention this docket',
          });
        }
      }
      return results;
    } catch (error) {
      if (isRetryable(error) || dockets.length === 1) {
        const result: CourierResult = isDocketNotFound(error)
          ? { kind: 'not_found', reason: errorMessage(error) }
          : { kind: 'failed', error: errorMessage(error) };
        if (dockets.length > 1) {
          this.logger.warn(
            `Courier unavailable for a batch of ${dockets.length}: ${result.kind === 'failed' ? result.error : ''}`,
          );
        }
        for (const docket of dockets) results.set(docket, result);
        return results;
      }
      this.logger.warn(
        `Batch of ${dockets.length} failed (${errorMessage(error)}); retrying docket by docket`,
      );
      return this.askCourierOneByOne(courier, dockets, counters);
    }
  }

  private async askCourierOneByOne(
    courier: CourierProvider,
    dockets: string[],
    counters: Counters,
  ): Promise<Map<string, CourierResult>> {
    const results = new Map<string, CourierResult>();
    let outage: string | null = null;
    for (const docket of dockets) {
      if (outage) {
        results.set(docket, { kind: 'failed', error: outage });
        continue;
      }
      try {
        counters.courierCalls += 1;
        results.set(docket, { kind: 'found', tracking: await courier.trackOne(docket) });
      } catch (error) {
        if (isDocketNotFound(error)) {
          results.set(docket, { kind: 'not_found', reason: errorMessage(error) });
        } else {
          results.set(docket, { kind: 'failed', error: errorMessage(error) });
          if (isRetryable(error)) outage = errorMessage(error);
        }
      }
    }
    return results;
  }

  /**
   * Writes the batch in one bulk write (one update by `_id` per tracking, bumping `syncSeq`),
   * then emits an event per stored status change while the leases are still held.
   */
  private async writeResults(
    batch: ClaimedTracking[],
    results: Map<string, CourierResult>,
    counters: Counters,
  ): Promise<void> {
    const now = new Date();
    const safetyMs = Math.min(5_000, this.settings.leaseMs / 10);
    const writes: AnyBulkWriteOperation<Tracking>[] = [];
    const events: Array<ShipmentStatusChangedEvent | ShipmentTrackingUpdatedEvent> = [];
    const withOutbox: string[] = [];
    // Counted only once the batch is stored; a storage error counts the batch as failed instead.
    const local = emptyCounters();

    for (const { lease, doc } of batch) {
      if (now.getTime() > lease.expiresAt.getTime() - safetyMs) {
        // Another instance may have taken over: its result wins, ours is dropped.
        local.lostLeases += 1;
        continue;
      }
      const result = results.get(doc.docketNumber) ?? {
        kind: 'failed',
        error: 'No courier result',
      };
      let set: Record<string, unknown>;
      let outbox: OutboxEntry[] = [];
      if (result.kind === 'found') {
        const outcome = applyCourierTracking(snapshotOf(doc), result.tracking, now, this.policy);
        this.noteOutcome(doc, outcome);
        set = { ...outcome.changes, ...outcome.bookkeeping };
        // Couriers without polling (manual) are never due: their news comes from an admin.
        if (!this.isPolled(doc.courierService)) set.nextSyncAt = null;
        if (outcome.statusChanged) {
          set.statusChangedAt = now;
          set.orderAckPending = true;
          local.statusChanged += 1;
          events.push(eventFor({ ...doc, ...set }, false, outcome));
        } else if (outcome.changed) {
          events.push(updateFor({ ...doc, ...set }, now));
        }
        if (outcome.changed) local.changed += 1;
        else local.unchanged += 1;
        outbox = syncEntries(doc, outcome, now);
      } else {
        if (result.kind === 'not_found') local.notFound += 1;
        else local.failed += 1;
        const message =
          result.kind === 'not_found'
            ? `Not found at the courier yet: ${result.reason}`
            : result.error;
        set = { ...failureBookkeeping(snapshotOf(doc), message, now, this.policy) };
      }
      if (outbox.length) withOutbox.push(doc._id);
      writes.push({
        updateOne: {
          filter: { _id: doc._id },
          update: {
            $set: outbox.length ? { ...set, outboxPending: true } : set,
            $inc: { syncSeq: 1 },
            // The sync's changes and their outbox records in one single-document update.
            ...(outbox.length ? { $push: { outbox: { $each: outbox } } } : {}),
          },
        },
      });
    }

    await this.storeWrites(writes);
    for (const id of withOutbox) {
      this.events.emit(
        OutboxEntriesWrittenEvent.eventName,
        new OutboxEntriesWrittenEvent('trackings', id),
      );
    }
    for (const key of Object.keys(local) as Array<keyof Counters>) counters[key] += local[key];
    for (const event of events) await this.publish(event);
  }

  /**
   * Runs the batch's updates in bulk writes small enough for FerretDB (see UPDATES_IN_FLIGHT).
   * Like one unordered bulk write, every update is attempted and the first error is thrown after.
   */
  private async storeWrites(writes: AnyBulkWriteOperation<Tracking>[]): Promise<void> {
    const perCommand = Math.max(1, Math.floor(UPDATES_IN_FLIGHT / this.settings.concurrency));
    let firstError: Error | null = null;
    for (let i = 0; i < writes.length; i += perCommand) {
      try {
        await this.trackings.bulkWrite(writes.slice(i, i + perCommand), { ordered: false });
      } catch (error) {
        firstError ??= asError(error);
      }
    }
    if (firstError) throw firstError;
  }

  private isPolled(courierService: string): boolean {
    return (
      this.couriers.has(courierService) && this.couriers.get(courierService).capabilities.polling
    );
  }

  private noteOutcome(doc: StoredTracking, outcome: CourierOutcome): void {
    if (outcome.unknownCode && outcome.changes.rawStatusCode) {
      this.logger.warn(
        `Docket ${doc.docketNumber}: unknown Sequel247 status code ${outcome.unknownCode}; ` +
          `status kept at ${outcome.status}`,
      );
    }
    if (outcome.refusedStatus) {
      this.logger.debug(
        `Docket ${doc.docketNumber}: courier reported ${outcome.refusedStatus}, behind ` +
          `${outcome.status}; status kept`,
      );
    }
  }

  /** A listener's failure is logged, not thrown: reconcile re-sends unacknowledged changes. */
  private async publish(
    event: ShipmentStatusChangedEvent | ShipmentTrackingUpdatedEvent,
  ): Promise<void> {
    const name =
      event instanceof ShipmentStatusChangedEvent
        ? ShipmentStatusChangedEvent.eventName
        : ShipmentTrackingUpdatedEvent.eventName;
    try {
      await this.events.emitAsync(name, event);
    } catch (error) {
      this.logger.error(
        `A listener failed on ${event.docketNumber} → ${event.status}: ${errorMessage(error)}`,
      );
    }
  }
}

/** The event for a tracking's current status; `outcome` when it comes from a sync just written. */
function eventFor(
  doc: StoredTracking,
  replayed: boolean,
  outcome?: CourierOutcome,
): ShipmentStatusChangedEvent {
  return new ShipmentStatusChangedEvent({
    trackingId: doc._id,
    orderId: String(doc.order),
    orderNumber: doc.orderNumber,
    userId: String(doc.user),
    docketNumber: doc.docketNumber,
    courierService: doc.courierService,
    history: historyOf(doc),
    previousStatus: outcome ? outcome.previousStatus : (doc.orderStatusAcknowledged ?? null),
    status: doc.status,
    rawStatusCode: doc.rawStatusCode ?? null,
    occurredAt: outcome?.statusOccurredAt ?? doc.statusChangedAt ?? doc.updatedAt,
    estimatedDelivery: doc.estimatedDelivery ?? null,
    replayed,
  });
}

function updateFor(doc: StoredTracking, now: Date): ShipmentTrackingUpdatedEvent {
  return new ShipmentTrackingUpdatedEvent(
    String(doc.order),
    doc.docketNumber,
    doc.courierService,
    doc.status,
    doc.estimatedDelivery ?? null,
    historyOf(doc),
    now,
  );
}

function snapshotOf(doc: StoredTracking): TrackingSnapshot {
  return {
    status: doc.status,
    rawStatusCode: doc.rawStatusCode ?? null,
    estimatedDelivery: doc.estimatedDelivery ?? null,
    history: historyOf(doc),
    lastScanAt: doc.lastScanAt ?? null,
    consecutiveFailures: doc.consecutiveFailures ?? 0,
    terminal: doc.terminal ?? false,
    createdAt: doc.createdAt,
  };
}
