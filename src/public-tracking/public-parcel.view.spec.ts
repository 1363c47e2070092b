import { describe, expect, it } from 'vitest';
import { cityOf } from './public-parcel.view.js';
import { FixedWindowLimiter } from './public-lookup.limiter.js';

describe('cityOf', () => {
  it.each([
    ['MUMBAI', 'Mumbai'],
    ['BHIWANDI GATEWAY, MUMBAI 421302', 'Mumbai'],
    ['KORAMANGALA HUB, BANGALORE 560034', 'Bangalore'],
    ['new delhi', 'New Delhi'],
    ['12, MG ROAD, PUNE-411001', 'Pune'],
  ])('reduces %s to %s', (place, city) => {
    expect(cityOf(place)).toBe(city);
  });

  it('gives null for missing or number-only places', () => {
    expect(cityOf(null)).toBeNull();
    expect(cityOf('560034')).toBeNull();
  });
});

describe('FixedWindowLimiter', () => {
  it('allows the limit per window, then says how long to wait', () => {
    const limiter = new FixedWindowLimiter(2, 60_000);
    expect(limiter.hit('k', 0)).toBe(0);
    expect(limiter.hit('k', 1_000)).toBe(0);
    expect(limiter.hit('k', 2_000)).toBe(58);
    expect(limiter.hit('other', 2_000)).toBe(0);
    expect(limiter.hit('k', 60_000)).toBe(0);
  });
});
