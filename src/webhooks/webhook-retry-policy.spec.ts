import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './webhook-retry-policy.js';

const policy = { retryBaseMs: 5_000, retryMaxDelayMs: 6 * 3600_000 };

describe('retryDelayMs', () => {
  it('grows 4x per failed attempt without jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, mid))).toEqual([
      5_000, 20_000, 80_000, 320_000,
    ]);
  });

  it('stays within ±25 % jitter', () => {
    expect(retryDelayMs(2, policy, () => 0)).toBe(15_000);
    expect(retryDelayMs(2, policy, () => 1)).toBe(25_000);
  });

  it('is capped at the maximum delay', () => {
    expect(retryDelayMs(20, policy, () => 0.5)).toBe(6 * 3600_000);
  });

  it('fits about ten attempts in the 24 h window with the defaults', () => {
    let total = 0;
    let attempts = 0;
    while (total <= 24 * 3600_000) total += retryDelayMs(++attempts, policy, () => 0.5);
    expect(attempts).toBeGreaterThanOrEqual(8);
    expect(attempts).toBeLessThanOrEqual(12);
  });
});
