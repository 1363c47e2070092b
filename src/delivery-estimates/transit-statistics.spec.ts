import { describe, expect, it } from 'vitest';
import {
  chooseEstimate,
  deliveryWindow,
  laneKeys,
  pickHistory,
  quantile,
} from './transit-statistics.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-02T04:30:00Z');
const after = (hours: number) => new Date(T0.getTime() + hours * HOUR);
/** 1..100 hours: p10 = 10.9, p50 = 50.5, p90 = 90.1. */
const ONE_TO_HUNDRED = Array.from({ length: 100 }, (_, i) => i + 1);

describe('transit statistics', () => {
  it('keys a lane at sorting-district and sub-zone width', () => {
    expect(laneKeys('560001', '110017')).toEqual({ district: '560>110', subzone: '56>11' });
  });

  it('interpolates quantiles between neighbouring values', () => {
    expect(quantile([10, 20], 0.5)).toBe(15);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile(ONE_TO_HUNDRED, 0.9)).toBeCloseTo(90.1);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });

  it('uses the narrowest lane that has enough deliveries, wider ones otherwise', () => {
    const district = { level: 'district' as const, lane: '560>110', transitHours: [1, 2] };
    const subzone = { level: 'subzone' as const, lane: '56>11', transitHours: [1, 2, 3] };
    expect(pickHistory([subzone, district], 2)).toBe(district);
    expect(pickHistory([subzone, district], 3)).toBe(subzone);
    expect(pickHistory([subzone, district], 4)).toBeNull();
  });

  it('gives a just-dispatched parcel the lane p10/p50/p90 after dispatch', () => {
    const window = deliveryWindow([...ONE_TO_HUNDRED].reverse(), T0, T0);
    expect(window.earliest.getTime()).toBeCloseTo(after(10.9).getTime(), -3);
    expect(window.likely.getTime()).toBeCloseTo(after(50.5).getTime(), -3);
    expect(window.latest.getTime()).toBeCloseTo(after(90.1).getTime(), -3);
  });

  it('only counts slower deliveries once a parcel has been travelling a while', () => {
    const window = deliveryWindow(ONE_TO_HUNDRED, T0, after(80));
    // 81..100 remain: p50 = 90.5
    expect(window.likely.getTime()).toBeCloseTo(after(90.5).getTime(), -3);
    expect(window.earliest.getTime()).toBeGreaterThan(after(80).getTime());
  });

  it('gives a parcel later than all history a window that starts now', () => {
    const now = after(500);
    const window = deliveryWindow(ONE_TO_HUNDRED, T0, now);
    expect(window.earliest).toEqual(now);
    // the lane's p50→p90 spread is 39.6 hours
    expect(window.latest.getTime() - now.getTime()).toBeCloseTo(39.6 * HOUR, -3);
    expect(window.likely.getTime()).toBeLessThan(window.latest.getTime());
  });

  describe('choosing the estimate', () => {
    const window = deliveryWindow(ONE_TO_HUNDRED, T0, T0);

    it('keeps the courier ETA while it is ahead', () => {
      expect(chooseEstimate(after(30), window, T0)).toEqual({
        estimatedDelivery: after(30),
        estimateSource: 'courier',
        window,
      });
    });

    it("uses Docket's p50 when the courier gave no ETA", () => {
      expect(chooseEstimate(null, window, T0)).toMatchObject({
        estimatedDelivery: window.likely,
        estimateSource: 'docket',
      });
    });

    it("uses Docket's p50 when the courier ETA has passed without a delivery", () => {
      expect(chooseEstimate(after(-1), window, T0)).toMatchObject({
        estimatedDelivery: window.likely,
        estimateSource: 'docket',
      });
    });

    it('leaves a finished shipment with what the courier said, and no window', () => {
      expect(chooseEstimate(after(-1), window, T0, true)).toEqual({
        estimatedDelivery: after(-1),
        estimateSource: 'courier',
        window: null,
      });
      expect(chooseEstimate(null, window, T0, true).estimateSource).toBeNull();
    });

    it('falls back to what the courier said, or nothing, without lane history', () => {
      expect(chooseEstimate(after(-1), null, T0)).toEqual({
        estimatedDelivery: after(-1),
        estimateSource: 'courier',
        window: null,
      });
      expect(chooseEstimate(null, null, T0)).toEqual({
        estimatedDelivery: null,
        estimateSource: null,
        window: null,
      });
    });
  });
});
