import type { ShipmentTracking } from '../courier/courier-provider.interface.js';
import { TrackingStatus } from '../courier/tracking-status.js';
import {
  canMoveTo,
  HistoryEntry,
  isTerminalStatus,
  latestScanAt,
  mergeHistory,
} from './tracking-history.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The `tracking` config values that decide when a tracking is polled next. */
export interface SyncPolicy {
  pollMinutes: number;
  /**
   * Up to this share (0–1) of a regular interval is taken off at random, so shipments synced
   * together (a burst of new ones, a pass after an outage) drift apart instead of coming due
   * together again every interval. Never added: a shipment is never polled later than promised.
   */
  pollSpread?: number;
  outForDeliveryPollMinutes: number;
  maxBackoffMinutes: number;
  staleAfterDays: number;
}

/** What the state computation needs to know about a stored tracking. */
export interface TrackingSnapshot {
  status: TrackingStatus;
  rawStatusCode: string | null;
  estimatedDelivery: Date | null;
  history: HistoryEntry[];
  lastScanAt: Date | null;
  consecutiveFailures: number;
  terminal: boolean;
  createdAt: Date;
}

/** Sync bookkeeping written on every sync, changed or not. */
export interface SyncBookkeeping {
  lastAttemptAt: Date;
  /** Last successful sync; left as it was after a failure. */
  lastSyncedAt?: Date;
  /** Null once terminal: the tracking is never polled again. */
  nextSyncAt: Date | null;
  /** `nextSyncAt`'s minute slot (dueMinuteOf), null with it. */
  dueMinute: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  stale: boolean;
}

/** Shipment fields that changed; only these are written. */
export interface ShipmentChanges {
  status?: TrackingStatus;
  rawStatusCode?: string;
  estimatedDelivery?: Date;
  history?: HistoryEntry[];
  lastScanAt?: Date;
  terminal?: true;
}

export interface CourierOutcome {
  changes: ShipmentChanges;
  /** True when any shipment field (status, raw code, ETA, history) changed. */
  changed: boolean;
  statusChanged: boolean;
  previousStatus: TrackingStatus;
  status: TrackingStatus;
  /** When the new status happened, by the courier's scans (falls back to now). */
  statusOccurredAt: Date;
  addedScans: number;
  /** The courier's current code when we do not know it (status kept as it was). */
  unknownCode: string | null;
  /** A known status refused because it would move the tracking backwards. */
  refusedStatus: TrackingStatus | null;
  bookkeeping: SyncBookkeeping;
}

/**
 * When to poll next: sooner while a delivery is being attempted, the standard interval otherwise,
 * never once terminal.
 */
export function nextSyncAfterSuccess(
  status: TrackingStatus,
  now: Date,
  policy: SyncPolicy,
  random: () => number = Math.random,
): Date | null {
  if (isTerminalStatus(status)) return null;
  const minutes =
    status === TrackingStatus.OutForDelivery || status === TrackingStatus.DeliveryFailed
      ? policy.outForDeliveryPollMinutes
      : policy.pollMinutes;
  const spread = Math.min(Math.max(policy.pollSpread ?? 0, 0), 1);
  return new Date(now.getTime() + minutes * MINUTE_MS * (1 - spread * random()));
}

/** The minute slot a tracking is claimed in: `nextSyncAt` in whole minutes since the epoch. */
export function dueMinuteOf(nextSyncAt: Date | null): number | null {
  return nextSyncAt === null ? null : Math.floor(nextSyncAt.getTime() / MINUTE_MS);
}

/** Back-off after `failures` consecutive failures: pollMinutes × 2^failures, capped. */
export function backoffMinutes(failures: number, policy: SyncPolicy): number {
  // Capping the exponent keeps 2^n finite however long an outage lasts.
  const exponent = Math.min(Math.max(failures, 0), 30);
  return Math.min(policy.pollMinutes * 2 ** exponent, policy.maxBackoffMinutes);
}

/** No new scan for more than staleAfterDays (counted from creation before the first scan). */
export function isStale(
  input: { terminal: boolean; lastScanAt: Date | null; createdAt: Date },
  now: Date,
  policy: SyncPolicy,
): boolean {
  if (input.terminal) return false;
  const since = input.lastScanAt ?? input.createdAt;
  return now.getTime() - since.getTime() > policy.staleAfterDays * DAY_MS;
}

/**
 * Folds one courier answer into a tracking: merges the scans, takes the courier's current status
 * unless it is unknown or would move the tracking backwards, and schedules the next poll.
 * A terminal tracking keeps its status, raw code and ETA; late scans are still recorded.
 */
export function applyCourierTracking(
  current: TrackingSnapshot,
  courier: ShipmentTracking,
  now: Date,
  policy: SyncPolicy,
): CourierOutcome {
  const changes: ShipmentChanges = {};
  const { history, added } = mergeHistory(current.history, courier.scans);
  let lastScanAt = current.lastScanAt;
  if (added > 0) {
    changes.history = history;
    const latest = latestScanAt(history);
    if (latest && latest.getTime() !== current.lastScanAt?.getTime()) {
      changes.lastScanAt = latest;
      lastScanAt = latest;
    }
  }

  let status = current.status;
  let unknownCode: string | null = null;
  let refusedStatus: TrackingStatus | null = null;
  if (!current.terminal) {
    if (courier.status === null) {
      unknownCode = courier.rawStatusCode;
      if (courier.rawStatusCode !== current.rawStatusCode) {
        changes.rawStatusCode = courier.rawStatusCode;
      }
    } else if (canMoveTo(current.status, courier.status)) {
      status = courier.status;
      if (status !== current.status) changes.status = status;
      if (courier.rawStatusCode !== current.rawStatusCode) {
        changes.rawStatusCode = courier.rawStatusCode;
      }
    } else {
      // A stale answer: the raw code stays the one that matches the status we keep.
      refusedStatus = courier.status;
    }
    if (
      courier.estimatedDelivery &&
      courier.estimatedDelivery.getTime() !== current.estimatedDelivery?.getTime()
    ) {
      changes.estimatedDelivery = courier.estimatedDelivery;
    }
  }

  const terminal = current.terminal || isTerminalStatus(status);
  if (terminal && !current.terminal) changes.terminal = true;

  const nextSyncAt = terminal ? null : nextSyncAfterSuccess(status, now, policy);
  return {
    changes,
    changed: Object.keys(changes).length > 0,
    statusChanged: status !== current.status,
    previousStatus: current.status,
    status,
    statusOccurredAt: whenStatusHappened(history, status) ?? now,
    addedScans: added,
    unknownCode,
    refusedStatus,
    bookkeeping: {
      lastAttemptAt: now,
      lastSyncedAt: now,
      nextSyncAt,
      dueMinute: dueMinuteOf(nextSyncAt),
      consecutiveFailures: 0,
      lastError: null,
      stale: isStale({ terminal, lastScanAt, createdAt: current.createdAt }, now, policy),
    },
  };
}

/**
 * Bookkeeping after a failed sync (courier down, docket not known yet, a broken answer): the
 * shipment data stays as it was, the failure is counted and the next poll backs off.
 */
export function failureBookkeeping(
  current: Pick<
    TrackingSnapshot,
    'status' | 'terminal' | 'lastScanAt' | 'createdAt' | 'consecutiveFailures'
  >,
  error: string,
  now: Date,
  policy: SyncPolicy,
): SyncBookkeeping {
  const failures = current.consecutiveFailures + 1;
  const nextSyncAt = current.terminal
    ? null
    : new Date(now.getTime() + backoffMinutes(failures, policy) * MINUTE_MS);
  return {
    lastAttemptAt: now,
    nextSyncAt,
    dueMinute: dueMinuteOf(nextSyncAt),
    consecutiveFailures: failures,
    lastError: error,
    stale: isStale(current, now, policy),
  };
}

/** The latest scan that reported `status`, else the latest scan at all. */
function whenStatusHappened(history: readonly HistoryEntry[], status: TrackingStatus): Date | null {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].status === status) return history[i].occurredAt;
  }
  return history.length > 0 ? history[history.length - 1].occurredAt : null;
}
