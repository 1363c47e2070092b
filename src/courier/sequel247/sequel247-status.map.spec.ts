import { describe, expect, it } from 'vitest';
import { mapSequel247Code, SEQUEL247_STATUS_CODES } from './sequel247-status.map.js';
import { TrackingStatus } from '../tracking-status.js';

describe('Sequel247 status map', () => {
  it.each([
    ['SCREATED', TrackingStatus.OrderPlaced],
    ['SPU', TrackingStatus.Processing],
    ['SCHECKIN', TrackingStatus.Packaging],
    ['SCHKINORIGN', TrackingStatus.Packaging],
    ['SLINREC', TrackingStatus.OnTheRoad],
    ['SLINORIN', TrackingStatus.OnTheRoad],
    ['SLINDEST', TrackingStatus.OnTheRoad],
    ['SDELASN', TrackingStatus.OutForDelivery],
    ['SDELVD', TrackingStatus.Delivered],
    ['SCANCELLED', TrackingStatus.Cancelled],
    ['SUNDELV', TrackingStatus.DeliveryFailed],
    ['SINEXCP', TrackingStatus.Exception],
    ['SRTOPKP', TrackingStatus.ReturningToOrigin],
    ['SRTODLV', TrackingStatus.ReturnedToOrigin],
  ])('maps %s to %s', (code, status) => {
    expect(mapSequel247Code(code)).toBe(status);
  });

  it('covers every confirmed code from the API notes', () => {
    const confirmed = Object.entries(SEQUEL247_STATUS_CODES)
      .filter(([, info]) => info.verified)
      .map(([code]) => code)
      .sort();
    expect(confirmed).toEqual(
      [
        'SCREATED',
        'SPU',
        'SCHECKIN',
        'SCHKINORIGN',
        'SLINREC',
        'SLINORIN',
        'SLINDEST',
        'SDELASN',
        'SDELVD',
        'SCANCELLED',
      ].sort(),
    );
  });

  it('uses every normalised status, so each has a courier code that leads to it', () => {
    const used = new Set(Object.values(SEQUEL247_STATUS_CODES).map((i) => i.status));
    expect([...used].sort()).toEqual(Object.values(TrackingStatus).sort());
  });

  it('ignores case and surrounding spaces', () => {
    expect(mapSequel247Code(' sdelvd ')).toBe(TrackingStatus.Delivered);
  });

  it.each([['SNEWCODE'], [''], ['constructor'], ['__proto__'], ['toString']])(
    'returns null for the unknown code %j rather than throwing',
    (code) => {
      expect(mapSequel247Code(code)).toBeNull();
    },
  );
});
