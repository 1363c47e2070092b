import { describe, expect, it } from 'vitest';
import { emailRetryDelayMs } from './email-sender.service.js';

describe('emailRetryDelayMs', () => {
  it('doubles per attempt around the base, within ±20 % jitter', () => {
    expect(emailRetryDelayMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(emailRetryDelayMs(2, 30_000, () => 0.5)).toBe(60_000);
    expect(emailRetryDelayMs(3, 30_000, () => 0)).toBe(96_000);
    expect(emailRetryDelayMs(3, 30_000, () => 1)).toBe(144_000);
  });

  it('never waits more than 6 hours (plus jitter)', () => {
    expect(emailRetryDelayMs(40, 30_000, () => 0.5)).toBe(6 * 3_600_000);
  });
});
