import { describe, expect, it } from 'vitest';
import { lookupPincode } from './pincodes.js';
import { SandboxState } from './sandbox-state.js';
import { laneKind, laneTransit, linehaulMinutes } from './transit-lanes.js';

const START = Date.parse('2024-03-01T04:30:00Z'); // 10:00 IST
const pin = (p: string) => lookupPincode(p)!;

/** Hours from booking to the delivered scan for `count` delivered dockets to one destination. */
function deliveredHours(seed: number, destination: string, count: number): number[] {
  const state = new SandboxState({ seed, now: START, originPincode: '560001' });
  const dockets = Array.from(
    { length: count },
    () => state.createDocket({ scenario: 'delivered', destination }).docket,
  );
  state.advanceClock(40 * 24 * 60);
  return dockets.map((d) => {
    const record = state.requireDocket(d);
    return (record.scans.at(-1)!.at - record.createdAt) / 3_600_000;
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sandbox transit lanes', () => {
  it('classifies lanes from Bangalore by distance and reach', () => {
    expect(laneKind(pin('560001'), pin('560034'))).toBe('local');
    expect(laneKind(pin('560001'), pin('600001'))).toBe('regional');
    expect(laneKind(pin('560001'), pin('400001'))).toBe('national');
    expect(laneKind(pin('560001'), pin('810001'))).toBe('remote');
    expect(laneKind(pin('560001'), pin('781001'))).toBe('hard-to-reach');
    expect(laneKind(pin('560001'), pin('190001'))).toBe('hard-to-reach');
  });

  it('draws a linehaul no shorter than the lane base and caps the tail', () => {
    const lane = laneTransit(pin('560001'), pin('400001'));
    expect(linehaulMinutes(lane, 0)).toBe(lane.baseHours * 60);
    expect(linehaulMinutes(lane, 0.999999)).toBe(linehaulMinutes(lane, 0.99));
    expect(linehaulMinutes(lane, 0.5)).toBeGreaterThan(linehaulMinutes(lane, 0.1));
  });

  it('gives each lane its own transit-time distribution: further lanes are slower and wider', () => {
    const local = deliveredHours(1, '560034', 200);
    const national = deliveredHours(1, '400001', 200);
    const remote = deliveredHours(1, '781001', 200);
    expect(mean(local)).toBeLessThan(mean(national) - 24);
    expect(mean(national)).toBeLessThan(mean(remote) - 24);
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    expect(spread(local)).toBeLessThan(spread(remote));
  });

  it('replays exactly the same transit times for the same seed, and others for another seed', () => {
    expect(deliveredHours(7, '400001', 50)).toEqual(deliveredHours(7, '400001', 50));
    expect(deliveredHours(7, '400001', 50)).not.toEqual(deliveredHours(8, '400001', 50));
  });

  it('books a docket without a courier ETA when asked', () => {
    const state = new SandboxState({ now: START });
    expect(state.createDocket({ withoutEta: true }).eta).toBeNull();
    expect(state.createDocket({}).eta).not.toBeNull();
  });
});
