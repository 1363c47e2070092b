import { describe, expect, it } from 'vitest';
import type { TrackingScan } from '../courier/courier-provider.interface.js';
import { TrackingStatus } from '../courier/tracking-status.js';
import {
  canMoveTo,
  HistoryEntry,
  latestScanAt,
  mergeHistory,
  TRACKING_STATUS_RANK,
} from './tracking-history.js';

const S = TrackingStatus;

function scan(
  code: string,
  at: string,
  location: string | null = 'BANGALORE',
  status: TrackingStatus | null = S.OnTheRoad,
  description = `${code} at ${location ?? '?'}`,
): TrackingScan {
  return { code, status, description, location, occurredAt: new Date(at) };
}

function times(history: HistoryEntry[]): string[] {
  return history.map((h) => `${h.code}@${h.occurredAt.toISOString()}`);
}

describe('mergeHistory', () => {
  it('adds the first scans in time order even when the courier lists them newest first', () => {
    const { history, added } = mergeHistory(
      [],
      [
        scan('SLINREC', '2025-01-02T10:00:00Z'),
        scan('SPU', '2025-01-01T10:00:00Z'),
        scan('SCREATED', '2025-01-01T08:00:00Z'),
      ],
    );
    expect(added).toBe(3);
    expect(history.map((h) => h.code)).toEqual(['SCREATED', 'SPU', 'SLINREC']);
  });

  it('never stores the same scan twice (same code, time and location)', () => {
    const first = mergeHistory([], [scan('SPU', '2025-01-01T10:00:00Z')]);
    const again = mergeHistory(first.history, [
      scan('SPU', '2025-01-01T10:00:00Z'),
      scan('SPU', '2025-01-01T10:00:00Z'),
    ]);
    expect(again.added).toBe(0);
    expect(again.history).toHaveLength(1);
  });

  it('drops duplicates within one courier answer', () => {
    const { history, added } = mergeHistory(
      [],
      [scan('SPU', '2025-01-01T10:00:00Z'), scan('SPU', '2025-01-01T10:00:00Z')],
    );
    expect(added).toBe(1);
    expect(history).toHaveLength(1);
  });

  it('treats a differing description as the same scan (the key is code, time, location)', () => {
    const first = mergeHistory(
      [],
      [scan('SPU', '2025-01-01T10:00:00Z', 'PUNE', S.Processing, 'a')],
    );
    const again = mergeHistory(first.history, [
      scan('SPU', '2025-01-01T10:00:00Z', 'PUNE', S.Processing, 'b'),
    ]);
    expect(again.added).toBe(0);
    expect(again.history[0].description).toBe('a');
  });

  it('keeps scans that differ only by location or time as separate scans', () => {
    const { history } = mergeHistory(
      [],
      [
        scan('SLINREC', '2025-01-02T10:00:00Z', 'PUNE'),
        scan('SLINREC', '2025-01-02T10:00:00Z', 'MUMBAI'),
        scan('SLINREC', '2025-01-02T10:00:01Z', 'MUMBAI'),
        scan('SLINREC', '2025-01-02T10:00:01Z', null),
      ],
    );
    expect(history).toHaveLength(4);
  });

  it('slots a late, out-of-order scan into its place', () => {
    const stored = mergeHistory(
      [],
      [scan('SCREATED', '2025-01-01T08:00:00Z'), scan('SLINDEST', '2025-01-03T09:00:00Z')],
    ).history;
    const { history, added } = mergeHistory(stored, [
      scan('SLINREC', '2025-01-02T10:00:00Z'),
      scan('SLINDEST', '2025-01-03T09:00:00Z'),
    ]);
    expect(added).toBe(1);
    expect(history.map((h) => h.code)).toEqual(['SCREATED', 'SLINREC', 'SLINDEST']);
  });

  it('keeps arrival order for scans at the same instant (stable sort)', () => {
    const stored = mergeHistory([], [scan('A', '2025-01-01T08:00:00Z')]).history;
    const { history } = mergeHistory(stored, [
      scan('C', '2025-01-01T08:00:00Z'),
      scan('B', '2025-01-01T08:00:00Z'),
    ]);
    expect(history.map((h) => h.code)).toEqual(['A', 'C', 'B']);
  });

  it('records a scan with an unknown code with a null status', () => {
    const { history } = mergeHistory([], [scan('SZZTOP', '2025-01-01T08:00:00Z', 'X', null)]);
    expect(history[0]).toMatchObject({ code: 'SZZTOP', status: null });
  });

  it('ignores scans with an invalid date instead of corrupting the order', () => {
    const { history, added } = mergeHistory(
      [],
      [scan('SPU', 'not a date'), scan('SLINREC', '2025-01-02T10:00:00Z')],
    );
    expect(added).toBe(1);
    expect(times(history)).toEqual(['SLINREC@2025-01-02T10:00:00.000Z']);
  });

  it('does not mutate its inputs', () => {
    const stored = mergeHistory([], [scan('SLINDEST', '2025-01-03T09:00:00Z')]).history;
    const snapshot = [...stored];
    mergeHistory(stored, [scan('SPU', '2025-01-01T09:00:00Z')]);
    expect(stored).toEqual(snapshot);
  });

  it('finds the latest scan time', () => {
    const { history } = mergeHistory(
      [],
      [scan('A', '2025-01-03T00:00:00Z'), scan('B', '2025-01-01T00:00:00Z')],
    );
    expect(latestScanAt(history)?.toISOString()).toBe('2025-01-03T00:00:00.000Z');
    expect(latestScanAt([])).toBeNull();
  });
});

describe('canMoveTo (never backwards)', () => {
  it('moves forward along the normal path', () => {
    const path = [S.OrderPlaced, S.Processing, S.Packaging, S.OnTheRoad, S.OutForDelivery];
    for (let i = 0; i < path.length - 1; i++) {
      expect(canMoveTo(path[i], path[i + 1])).toBe(true);
      expect(canMoveTo(path[i + 1], path[i])).toBe(false);
    }
    expect(canMoveTo(S.OutForDelivery, S.Delivered)).toBe(true);
  });

  it('allows skipping ahead (a pass may miss intermediate statuses)', () => {
    expect(canMoveTo(S.OrderPlaced, S.OutForDelivery)).toBe(true);
    expect(canMoveTo(S.Processing, S.Delivered)).toBe(true);
  });

  it('never leaves a terminal status, not even for another terminal one', () => {
    for (const terminal of [S.Delivered, S.Cancelled, S.ReturnedToOrigin]) {
      for (const next of Object.values(S)) {
        expect(canMoveTo(terminal, next)).toBe(next === terminal);
      }
    }
  });

  it('lets out-for-delivery and delivery-failed alternate (re-attempts)', () => {
    expect(canMoveTo(S.OutForDelivery, S.DeliveryFailed)).toBe(true);
    expect(canMoveTo(S.DeliveryFailed, S.OutForDelivery)).toBe(true);
  });

  it('lets an exception happen anywhere before the end and recover from on-the-road on', () => {
    expect(canMoveTo(S.OutForDelivery, S.Exception)).toBe(true);
    expect(canMoveTo(S.Processing, S.Exception)).toBe(true);
    expect(canMoveTo(S.Exception, S.OnTheRoad)).toBe(true);
    expect(canMoveTo(S.Exception, S.Packaging)).toBe(false);
    expect(canMoveTo(S.Delivered, S.Exception)).toBe(false);
  });

  it('does not go back from returning-to-origin to delivery attempts', () => {
    expect(canMoveTo(S.ReturningToOrigin, S.OutForDelivery)).toBe(false);
    expect(canMoveTo(S.ReturningToOrigin, S.ReturnedToOrigin)).toBe(true);
  });

  it('ranks every status', () => {
    for (const status of Object.values(S)) {
      expect(typeof TRACKING_STATUS_RANK[status]).toBe('number');
    }
  });
});
