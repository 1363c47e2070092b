import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { AllConfig } from '../config/index.js';
import type { CourierProvider, ShipmentTracking } from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import { Tracking } from './schemas/tracking.schema.js';
import { HeldLease, LeaseCandidate, TrackingLeases } from './tracking-leases.service.js';
import {
  ClaimedTracking,
  CourierResult,
  emptyCounters,
  SyncCounters,
  syncErrorMessage as errorMessage,
  TrackingResultWriter,
} from './tracking-result-writer.js';
import { TrackingSchedule } from './tracking-schedule.service.js';
import type { StoredTracking } from './tracking-view.js';

/**
 * Leases expired this long ago are purged after a pass: those of crashed holders, and those a
 * stored sync left in place (see syncBatch).
 */
const LEASE_PURGE_AFTER_MS = 60_000;

/** What one sync pass did; also logged as one line. */
export interface SyncPassSummary extends SyncCounters {
  passId: string;
  startedAt: Date;
  durationMs: number;
  /** Unacknowledged status changes whose event was re-emitted. */
  reconciled: number;
}

/** How a single-docket sync ended (startTracking, admin refresh). */
export type SingleSyncResult = 'synced' | 'failed' | 'not_found' | 'busy' | 'missing';

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
    private readonly writer: TrackingResultWriter,
  ) {}

  private get settings() {
    return this.config.getOrThrow('tracking', { infer: true });
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
      const read: StoredTracking[] = [];
      while (read.length < batchSize) {
        const next = await cursor.next();
        if (next.done) break;
        read.push(next.value);
      }
      if (read.length === 0) return null;
      return this.claimRead(passId, read.filter(isDue));
    });

    const worker = async () => {
      for (;;) {
        const batch = await claimNext();
        if (!batch) return;
        if (batch.length === 0) continue;
        counters.claimed += batch.length;
        await this.syncBatch(passId, batch, counters);
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
    await this.syncBatch(owner, [claimed], counters);
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
    let stored = new Set<string>();
    try {
      const answer: CourierResult = { kind: 'found', tracking };
      stored = await this.writer.write(
        owner,
        [claimed],
        new Map([[claimed.doc.docketNumber, answer]]),
        counters,
      );
    } finally {
      // Kept when stored, as after a sync (see syncBatch).
      await this.leases.release([claimed.lease], () => stored.has(id));
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
          await this.writer.replay(claimed);
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

  /**
   * Leases trackings the pass has just read (its walk reads whole documents): no second read.
   * One synced by someone else since is caught by the write's `syncSeq` condition.
   */
  private async claimRead(owner: string, read: StoredTracking[]): Promise<ClaimedTracking[]> {
    const byId = new Map(read.map((doc) => [doc._id, doc]));
    const held = await this.leases.claim(
      owner,
      read.map((doc) => ({ id: doc._id, seq: doc.syncSeq })),
      this.settings.leaseMs,
    );
    return held.map((lease) => ({ lease, doc: byId.get(lease.id)! }));
  }

  /** Polls one claimed batch, writes every result and releases the leases; never throws. */
  private async syncBatch(
    owner: string,
    batch: ClaimedTracking[],
    counters: SyncCounters,
  ): Promise<void> {
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
      const stored = await this.writer.write(owner, batch, results, counters);
      // A stored sync keeps its lease until it expires: the lease is on the `syncSeq` the sync
      // replaced, so it blocks only a claim from an out-of-date read (another pass that read the
      // tracking before this write), which would otherwise ask the courier a second time.
      await this.leases.release(
        batch.map((c) => c.lease),
        (lease) => stored.has(lease.id),
      );
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
    counters: SyncCounters,
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
    counters: SyncCounters,
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
}
