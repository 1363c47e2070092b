import { describe, expect, it } from 'vitest';
import type { ShipmentTracking, TrackingScan } from '../courier/courier-provider.interface.js';
import { TrackingStatus } from '../courier/tracking-status.js';
import {
  applyCourierTracking,
  backoffMinutes,
  dueMinuteOf,
  failureBookkeeping,
  isStale,
  nextSyncAfterSuccess,
  SyncPolicy,
  TrackingSnapshot,
} from './tracking-state.js';

const S = TrackingStatus;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const policy: SyncPolicy = {
  pollMinutes: 30,
  outForDeliveryPollMinutes: 10,
  maxBackoffMinutes: 360,
  staleAfterDays: 5,
};
const now = new Date('2025-03-10T12:00:00Z');

function snapshot(overrides: Partial<TrackingSnapshot> = {}): TrackingSnapshot {
  return {
    status: S.OrderPlaced,
    rawStatusCode: null,
    estimatedDelivery: null,
    history: [],
    lastScanAt: null,
    consecutiveFailures: 0,
    terminal: false,
    createdAt: new Date(now.getTime() - DAY),
    ...overrides,
  };
}

function scan(code: string, status: TrackingStatus | null, at: string): TrackingScan {
  return { code, status, description: code, location: 'PUNE', occurredAt: new Date(at) };
}

function courier(
  rawStatusCode: string,
  status: TrackingStatus | null,
  scans: TrackingScan[],
  estimatedDelivery: Date | null = null,
): ShipmentTracking {
  return { docketNumber: '0000000001', rawStatusCode, status, estimatedDelivery, scans };
}

describe('nextSyncAfterSuccess', () => {
  it('polls at the standard interval in transit', () => {
    expect(nextSyncAfterSuccess(S.OnTheRoad, now, policy)?.getTime()).toBe(
      now.getTime() + 30 * MIN,
    );
  });

  it('polls sooner while out for delivery or after a failed attempt', () => {
    for (const status of [S.OutForDelivery, S.DeliveryFailed]) {
      expect(nextSyncAfterSuccess(status, now, policy)?.getTime()).toBe(now.getTime() + 10 * MIN);
    }
  });

  it('stops polling at terminal states', () => {
    for (const status of [S.Delivered, S.Cancelled, S.ReturnedToOrigin]) {
      expect(nextSyncAfterSuccess(status, now, policy)).toBeNull();
    }
  });
});

describe('backoffMinutes', () => {
  it('doubles per consecutive failure and stops at the cap', () => {
    expect(backoffMinutes(1, policy)).toBe(60);
    expect(backoffMinutes(2, policy)).toBe(120);
    expect(backoffMinutes(3, policy)).toBe(240);
    expect(backoffMinutes(4, policy)).toBe(360);
    expect(backoffMinutes(1000, policy)).toBe(360);
  });
});

describe('isStale', () => {
  it('flags a shipment with no scan for more than staleAfterDays', () => {
    const lastScanAt = new Date(now.getTime() - 5 * DAY - 1);
    expect(isStale({ terminal: false, lastScanAt, createdAt: lastScanAt }, now, policy)).toBe(true);
  });

  it('does not flag one scanned within the window', () => {
    const lastScanAt = new Date(now.getTime() - 5 * DAY + MIN);
    expect(isStale({ terminal: false, lastScanAt, createdAt: lastScanAt }, now, policy)).toBe(
      false,
    );
  });

  it('counts from creation before the first scan', () => {
    const createdAt = new Date(now.getTime() - 6 * DAY);
    expect(isStale({ terminal: false, lastScanAt: null, createdAt }, now, policy)).toBe(true);
  });

  it('never flags a terminal shipment', () => {
    const createdAt = new Date(now.getTime() - 60 * DAY);
    expect(isStale({ terminal: true, lastScanAt: null, createdAt }, now, policy)).toBe(false);
  });
});

describe('applyCourierTracking', () => {
  it('takes the courier status, merges scans and schedules the next poll', () => {
    const out = applyCourierTracking(
      snapshot(),
      courier('SLINREC', S.OnTheRoad, [
        scan('SLINREC', S.OnTheRoad, '2025-03-10T09:00:00Z'),
        scan('SPU', S.Processing, '2025-03-09T09:00:00Z'),
      ]),
      now,
      policy,
    );
    expect(out.statusChanged).toBe(true);
    expect(out.changes.status).toBe(S.OnTheRoad);
    expect(out.changes.rawStatusCode).toBe('SLINREC');
    expect(out.changes.history?.map((h) => h.code)).toEqual(['SPU', 'SLINREC']);
    expect(out.changes.lastScanAt?.toISOString()).toBe('2025-03-10T09:00:00.000Z');
    expect(out.statusOccurredAt.toISOString()).toBe('2025-03-10T09:00:00.000Z');
    expect(out.bookkeeping).toEqual({
      lastAttemptAt: now,
      lastSyncedAt: now,
      nextSyncAt: new Date(now.getTime() + 30 * MIN),
      dueMinute: Math.floor((now.getTime() + 30 * MIN) / MIN),
      consecutiveFailures: 0,
      lastError: null,
      stale: false,
    });
  });

  it('takes up to pollSpread of the interval off at random, never adding to it', () => {
    const spread = { ...policy, pollSpread: 0.1 };
    const at = (random: number) =>
      nextSyncAfterSuccess(S.OnTheRoad, now, spread, () => random)!.getTime() - now.getTime();
    expect(at(0)).toBe(30 * MIN);
    expect(at(0.5)).toBe(28.5 * MIN);
    expect(at(0.999)).toBeGreaterThan(27 * MIN);
    expect(nextSyncAfterSuccess(S.OutForDelivery, now, spread, () => 1)!.getTime()).toBe(
      now.getTime() + 9 * MIN,
    );
  });

  it('files the next poll under its minute slot', () => {
    expect(dueMinuteOf(new Date('2025-03-10T12:30:59.999Z'))).toBe(
      Date.parse('2025-03-10T12:30:00Z') / MIN,
    );
    expect(dueMinuteOf(null)).toBeNull();
  });

  it('reports no change when the courier says the same thing again', () => {
    const first = applyCourierTracking(
      snapshot(),
      courier('SPU', S.Processing, [scan('SPU', S.Processing, '2025-03-10T09:00:00Z')]),
      now,
      policy,
    );
    const stored = snapshot({
      status: S.Processing,
      rawStatusCode: 'SPU',
      history: first.changes.history ?? [],
      lastScanAt: first.changes.lastScanAt ?? null,
    });
    const again = applyCourierTracking(
      stored,
      courier('SPU', S.Processing, [scan('SPU', S.Processing, '2025-03-10T09:00:00Z')]),
      now,
      policy,
    );
    expect(again.changed).toBe(false);
    expect(again.statusChanged).toBe(false);
    expect(again.changes).toEqual({});
  });

  it('keeps the status but records the raw code and the scan for an unknown code', () => {
    const out = applyCourierTracking(
      snapshot({ status: S.OnTheRoad, rawStatusCode: 'SLINREC' }),
      courier('SZZNEW', null, [scan('SZZNEW', null, '2025-03-10T10:00:00Z')]),
      now,
      policy,
    );
    expect(out.statusChanged).toBe(false);
    expect(out.status).toBe(S.OnTheRoad);
    expect(out.unknownCode).toBe('SZZNEW');
    expect(out.changes.rawStatusCode).toBe('SZZNEW');
    expect(out.changes.history?.[0]).toMatchObject({ code: 'SZZNEW', status: null });
    expect(out.changed).toBe(true);
  });

  it('never moves a tracking backwards on a stale answer', () => {
    const out = applyCourierTracking(
      snapshot({ status: S.OutForDelivery, rawStatusCode: 'SDELASN' }),
      courier('SLINDEST', S.OnTheRoad, []),
      now,
      policy,
    );
    expect(out.statusChanged).toBe(false);
    expect(out.refusedStatus).toBe(S.OnTheRoad);
    expect(out.changes).toEqual({});
    expect(out.bookkeeping.nextSyncAt?.getTime()).toBe(now.getTime() + 10 * MIN);
  });

  it('freezes a delivered tracking: an older status from a stale poll changes nothing', () => {
    const delivered = applyCourierTracking(
      snapshot({ status: S.OutForDelivery }),
      courier('SDELVD', S.Delivered, [scan('SDELVD', S.Delivered, '2025-03-10T11:00:00Z')]),
      now,
      policy,
    );
    expect(delivered.changes.terminal).toBe(true);
    expect(delivered.bookkeeping.nextSyncAt).toBeNull();

    const stale = applyCourierTracking(
      snapshot({
        status: S.Delivered,
        rawStatusCode: 'SDELVD',
        terminal: true,
        history: delivered.changes.history ?? [],
        lastScanAt: delivered.changes.lastScanAt ?? null,
      }),
      courier('SDELASN', S.OutForDelivery, [
        scan('SDELASN', S.OutForDelivery, '2025-03-10T08:00:00Z'),
      ]),
      now,
      policy,
    );
    expect(stale.statusChanged).toBe(false);
    expect(stale.status).toBe(S.Delivered);
    expect(stale.changes.status).toBeUndefined();
    expect(stale.changes.rawStatusCode).toBeUndefined();
    expect(stale.bookkeeping.nextSyncAt).toBeNull();
    // The older scan itself is still history and is slotted before the delivery.
    expect(stale.changes.history?.map((h) => h.code)).toEqual(['SDELASN', 'SDELVD']);
  });

  it('updates the ETA when the courier sends a new one and keeps it when it sends none', () => {
    const eta = new Date('2025-03-12T14:30:00Z');
    const out = applyCourierTracking(
      snapshot(),
      courier('SCREATED', S.OrderPlaced, [], eta),
      now,
      policy,
    );
    expect(out.changes.estimatedDelivery).toEqual(eta);
    const none = applyCourierTracking(
      snapshot({ estimatedDelivery: eta, rawStatusCode: 'SCREATED' }),
      courier('SCREATED', S.OrderPlaced, []),
      now,
      policy,
    );
    expect(none.changes).toEqual({});
  });

  it('flags a shipment stale when the courier has no new scan for too long', () => {
    const old = new Date(now.getTime() - 6 * DAY);
    const out = applyCourierTracking(
      snapshot({
        status: S.OnTheRoad,
        rawStatusCode: 'SLINREC',
        lastScanAt: old,
        history: [
          {
            code: 'SLINREC',
            status: S.OnTheRoad,
            description: '',
            location: 'PUNE',
            occurredAt: old,
          },
        ],
        createdAt: old,
      }),
      courier('SLINREC', S.OnTheRoad, [
        {
          code: 'SLINREC',
          status: S.OnTheRoad,
          description: '',
          location: 'PUNE',
          occurredAt: old,
        },
      ]),
      now,
      policy,
    );
    expect(out.changed).toBe(false);
    expect(out.bookkeeping.stale).toBe(true);
  });

  it('resets the failure count after a success', () => {
    const out = applyCourierTracking(
      snapshot({ consecutiveFailures: 4 }),
      courier('SCREATED', S.OrderPlaced, []),
      now,
      policy,
    );
    expect(out.bookkeeping.consecutiveFailures).toBe(0);
    expect(out.bookkeeping.lastError).toBeNull();
  });
});

describe('failureBookkeeping', () => {
  it('counts the failure, keeps the message and backs off', () => {
    const out = failureBookkeeping(
      snapshot({ consecutiveFailures: 1 }),
      'courier down',
      now,
      policy,
    );
    expect(out.consecutiveFailures).toBe(2);
    expect(out.lastError).toBe('courier down');
    expect(out.nextSyncAt?.getTime()).toBe(now.getTime() + 120 * MIN);
    expect(out.lastSyncedAt).toBeUndefined();
  });

  it('does not schedule a terminal tracking again', () => {
    const out = failureBookkeeping(
      snapshot({ terminal: true, status: S.Delivered }),
      'x',
      now,
      policy,
    );
    expect(out.nextSyncAt).toBeNull();
  });
});
