import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model } from 'mongoose';
import { asError, errorMessage as messageOf } from '../common/errors/error-message.js';
import { OutboxEntriesWrittenEvent, type OutboxEntry } from '../common/outbox/outbox-entry.js';
import type { AllConfig } from '../config/index.js';
import type { ShipmentTracking } from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import type { TrackingStatus } from '../courier/tracking-status.js';
import { ShipmentStatusChangedEvent } from './events/shipment-status-changed.event.js';
import { ShipmentTrackingUpdatedEvent } from './events/shipment-tracking-updated.event.js';
import { Tracking } from './schemas/tracking.schema.js';
import type { HeldLease } from './tracking-leases.service.js';
import { syncEntries } from './tracking-outbox.js';
import {
  applyCourierTracking,
  CourierOutcome,
  failureBookkeeping,
  TrackingSnapshot,
} from './tracking-state.js';
import { historyOf, type StoredTracking } from './tracking-view.js';

/** What a pass (or a single sync) counted. */
export interface SyncCounters {
  /** Due trackings leased and polled. */
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
  /**
   * Results dropped unwritten: the lease ran out before they could be written, or someone else
   * synced the tracking since it was read.
   */
  lostLeases: number;
  /** Courier calls made (one per `trackMany` batch, one per single-docket fallback). */
  courierCalls: number;
}

export function emptyCounters(): SyncCounters {
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

/** One docket's answer from the courier. */
export type CourierResult =
  | { kind: 'found'; tracking: ShipmentTracking }
  | { kind: 'not_found'; reason: string }
  | { kind: 'failed'; error: string };

/** A tracking under a sync lease, as read when (or just before) the lease was taken. */
export interface ClaimedTracking {
  lease: HeldLease;
  doc: StoredTracking;
}

/** One tracking's planned sync write and what follows it once stored. */
interface PlannedWrite {
  claimed: ClaimedTracking;
  update: AnyBulkWriteOperation<Tracking>;
  /** Entries the tracking carries after the write (those it had, then this write's). */
  outbox: OutboxEntry[];
  event: ShipmentStatusChangedEvent | ShipmentTrackingUpdatedEvent | null;
  /** What the write counts for, once stored. */
  counts: Partial<SyncCounters>;
}

interface SettleItem {
  claimed: ClaimedTracking;
  /** The tracking's `syncSeq` as this sync left it. */
  syncSeq: number;
  /** The relay has stored every entry the tracking carries: clear them. */
  clearOutbox: boolean;
  /** The status change every listener handled: acknowledged. */
  acknowledge: TrackingStatus | null;
}

const MAX_ERROR_LENGTH = 500;
/**
 * Update statements the pass keeps in flight across its concurrent batches. FerretDB v1 (SQLite)
 * holds one of its 100 SQLite connections for every statement of an `update` command until the
 * whole command ends, and needs one more to write each: four concurrent 50-statement bulk writes
 * exhaust the pool and hang the server for good. So a batch is written in bulk writes of
 * this many ÷ concurrency statements (at least one), one after the other.
 */
const UPDATES_IN_FLIGHT = 32;

export function syncErrorMessage(error: unknown): string {
  const message = messageOf(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

/**
 * Stores a sync batch's courier answers and announces them, in this order, all under the batch's
 * leases:
 *
 * 1. one update per tracking (by `_id` and the `syncSeq` it was read at, bumping `syncSeq`), with
 *    its outbox entries pushed in the same update; a tracking written by someone else since it
 *    was read matches nothing and its result is dropped;
 * 2. the entries handed to the outbox relay (stored in one insert for the batch) while the
 *    events go to their listeners (the Orders side);
 * 3. one bookkeeping update per tracking that needs it: the relayed entries cleared, and the
 *    status change acknowledged once every listener handled it.
 *
 * A crash or storage error after 1 leaves entries for the relay's repair pass and the change
 * unacknowledged for reconcile; both redo their part idempotently.
 */
@Injectable()
export class TrackingResultWriter {
  private readonly logger = new Logger(TrackingResultWriter.name);

  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    private readonly couriers: CourierRegistry,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly events: EventEmitter2,
  ) {}

  private get settings() {
    return this.config.getOrThrow('tracking', { infer: true });
  }

  /**
   * Writes the batch's results as `owner` (recorded as `lastSyncBy`); adds to `counters`.
   * Returns the ids of the trackings whose result was stored.
   */
  async write(
    owner: string,
    batch: ClaimedTracking[],
    results: Map<string, CourierResult>,
    counters: SyncCounters,
  ): Promise<Set<string>> {
    const now = new Date();
    const plans: PlannedWrite[] = [];
    let lost = 0;
    for (const claimed of batch) {
      if (this.leaseEnding(claimed.lease, now.getTime())) {
        // Another instance may have taken over: its result wins, ours is dropped.
        lost += 1;
        continue;
      }
      const result = results.get(claimed.doc.docketNumber) ?? {
        kind: 'failed',
        error: 'No courier result',
      };
      plans.push(this.plan(owner, claimed, result, now));
    }

    const matched = await this.storeWrites(plans.map((p) => p.update));
    const stored = matched === plans.length ? plans : await this.storedBy(owner, plans);
    // Counted only once the batch is stored; a storage error counts the batch as failed instead.
    counters.lostLeases += lost + plans.length - stored.length;
    for (const { counts } of stored) {
      for (const [key, value] of Object.entries(counts) as Array<[keyof SyncCounters, number]>) {
        counters[key] += value;
      }
    }

    const relaying = this.relay(stored);
    const acknowledged = new Map<string, TrackingStatus>();
    for (const { event } of stored) {
      if (!event) continue;
      const handled = await this.publish(event);
      if (handled && event instanceof ShipmentStatusChangedEvent) {
        acknowledged.set(event.trackingId, event.status);
      }
    }
    const relayed = await relaying;
    await this.settle(
      stored.map(({ claimed, outbox }) => ({
        claimed,
        syncSeq: claimed.doc.syncSeq + 1,
        clearOutbox: outbox.length > 0 && relayed.has(claimed.doc._id),
        acknowledge: acknowledged.get(claimed.doc._id) ?? null,
      })),
    );
    return new Set(stored.map((p) => p.claimed.doc._id));
  }

  /** Reconcile: re-sends an unacknowledged change; acknowledges it once every listener handled it. */
  async replay(claimed: ClaimedTracking): Promise<void> {
    if (await this.publish(eventFor(claimed.doc, true))) {
      await this.settle([
        {
          claimed,
          syncSeq: claimed.doc.syncSeq,
          clearOutbox: false,
          acknowledge: claimed.doc.status,
        },
      ]);
    }
  }

  private plan(
    owner: string,
    claimed: ClaimedTracking,
    result: CourierResult,
    now: Date,
  ): PlannedWrite {
    const { doc } = claimed;
    const counts: Partial<SyncCounters> = {};
    let set: Record<string, unknown>;
    let outbox: OutboxEntry[] = [];
    let event: PlannedWrite['event'] = null;
    if (result.kind === 'found') {
      const outcome = applyCourierTracking(snapshotOf(doc), result.tracking, now, this.settings);
      this.noteOutcome(doc, outcome);
      set = { ...outcome.changes, ...outcome.bookkeeping };
      // Couriers without polling (manual) are never due: their news comes from an admin.
      if (!this.isPolled(doc.courierService)) set.nextSyncAt = null;
      if (outcome.statusChanged) {
        set.statusChangedAt = now;
        set.orderAckPending = true;
        counts.statusChanged = 1;
        event = eventFor({ ...doc, ...set }, false, outcome);
      } else if (outcome.changed) {
        event = updateFor({ ...doc, ...set }, now);
      }
      if (outcome.changed) counts.changed = 1;
      else counts.unchanged = 1;
      outbox = syncEntries(doc, outcome, now);
    } else {
      if (result.kind === 'not_found') counts.notFound = 1;
      else counts.failed = 1;
      const message =
        result.kind === 'not_found'
          ? `Not found at the courier yet: ${result.reason}`
          : result.error;
      set = { ...failureBookkeeping(snapshotOf(doc), message, now, this.settings) };
    }
    set.lastSyncBy = owner;
    if (outbox.length) set.outboxPending = true;
    return {
      claimed,
      update: {
        updateOne: {
          // Written only if nobody synced it since it was read (they would have bumped syncSeq).
          filter: { _id: doc._id, syncSeq: doc.syncSeq },
          update: {
            $set: set,
            $inc: { syncSeq: 1 },
            // The sync's changes and their outbox records in one single-document update.
            ...(outbox.length ? { $push: { outbox: { $each: outbox } } } : {}),
          },
        },
      },
      // Under the lease nobody else writes the tracking: what it carries after this write is
      // what it carried when read plus what this write pushes.
      outbox: [...(doc.outbox ?? []), ...outbox],
      event,
      counts,
    };
  }

  /**
   * Some writes matched nothing (their tracking was synced by someone else since it was read):
   * the plans whose write did land, told by the `syncSeq` and `lastSyncBy` they left.
   */
  private async storedBy(owner: string, plans: PlannedWrite[]): Promise<PlannedWrite[]> {
    const now = await Promise.all(
      plans.map((p) =>
        this.trackings
          .findById(p.claimed.doc._id, { syncSeq: 1, lastSyncBy: 1 })
          .lean<Pick<StoredTracking, 'syncSeq' | 'lastSyncBy'>>(),
      ),
    );
    return plans.filter((p, i) => {
      const doc = now[i];
      return doc?.syncSeq === p.claimed.doc.syncSeq + 1 && doc.lastSyncBy === owner;
    });
  }

  /**
   * Hands each stored tracking's outbox entries to the relay (one event each, emitted together
   * so the relay stores the batch in one insert). Returns the ids whose entries are all stored.
   */
  private async relay(stored: PlannedWrite[]): Promise<Set<string>> {
    const ids = await Promise.all(
      stored
        .filter((w) => w.outbox.length > 0)
        .map(async ({ claimed, outbox }) => {
          const id = claimed.doc._id;
          try {
            const answers: unknown[] = await this.events.emitAsync(
              OutboxEntriesWrittenEvent.eventName,
              new OutboxEntriesWrittenEvent('trackings', id, outbox),
            );
            return answers.length > 0 && answers.every((a) => a === true) ? id : null;
          } catch {
            return null; // left on the tracking: the relay's repair pass stores and clears it
          }
        }),
    );
    return new Set(ids.filter((id): id is string => id !== null));
  }

  /**
   * The bookkeeping update (step 3), conditional on the sync's own `syncSeq`. A lease about to
   * run out, or a storage error, leaves it to the repair pass and reconcile.
   */
  private async settle(items: SettleItem[]): Promise<void> {
    const now = Date.now();
    const writes: AnyBulkWriteOperation<Tracking>[] = [];
    for (const { claimed, syncSeq, clearOutbox, acknowledge } of items) {
      if ((!clearOutbox && acknowledge === null) || this.leaseEnding(claimed.lease, now)) continue;
      const set: Record<string, unknown> = {};
      if (clearOutbox) set.outbox = [];
      if (acknowledge !== null) {
        set.orderAckPending = false;
        set.orderStatusAcknowledged = acknowledge;
      }
      writes.push({
        updateOne: {
          filter: { _id: claimed.doc._id, syncSeq },
          update: { $set: set, ...(clearOutbox ? { $unset: { outboxPending: '' } } : {}) },
        },
      });
    }
    if (writes.length === 0) return;
    try {
      await this.storeWrites(writes);
    } catch (error) {
      this.logger.warn(
        `Could not settle a tracking batch (${writes.length}): ${syncErrorMessage(error)}`,
      );
    }
  }

  /**
   * Runs the updates in bulk writes small enough for FerretDB (see UPDATES_IN_FLIGHT); returns
   * how many matched. Like one unordered bulk write, every update is attempted and the first
   * error is thrown after.
   */
  private async storeWrites(writes: AnyBulkWriteOperation<Tracking>[]): Promise<number> {
    const perCommand = Math.max(1, Math.floor(UPDATES_IN_FLIGHT / this.settings.concurrency));
    let firstError: Error | null = null;
    let matched = 0;
    for (let i = 0; i < writes.length; i += perCommand) {
      try {
        const result = await this.trackings.bulkWrite(writes.slice(i, i + perCommand), {
          ordered: false,
        });
        matched += result.matchedCount;
      } catch (error) {
        firstError ??= asError(error);
      }
    }
    if (firstError) throw firstError;
    return matched;
  }

  /** Too close to the lease's end to write safely: another instance may take over. */
  private leaseEnding(lease: HeldLease, now: number): boolean {
    const safetyMs = Math.min(5_000, this.settings.leaseMs / 10);
    return now > lease.expiresAt.getTime() - safetyMs;
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

  /**
   * Emits the event to its listeners; returns whether every one of them handled it. A listener's
   * failure is logged, not thrown: reconcile re-sends the unacknowledged change.
   */
  private async publish(
    event: ShipmentStatusChangedEvent | ShipmentTrackingUpdatedEvent,
  ): Promise<boolean> {
    const name =
      event instanceof ShipmentStatusChangedEvent
        ? ShipmentStatusChangedEvent.eventName
        : ShipmentTrackingUpdatedEvent.eventName;
    try {
      await this.events.emitAsync(name, event);
      return true;
    } catch (error) {
      this.logger.error(
        `A listener failed on ${event.docketNumber} → ${event.status}: ${syncErrorMessage(error)}`,
      );
      return false;
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
