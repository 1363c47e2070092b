import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs, RetryPolicy } from './retry-policy.js';
import {
  Sequel247AuthError,
  Sequel247BadResponseError,
  Sequel247DocketNotFoundError,
  Sequel247RateLimitedError,
  Sequel247UnavailableError,
} from './sequel247.errors.js';

const unavailable = () => new Sequel247UnavailableError('down');

describe('RetryPolicy', () => {
  it('backs off exponentially with full jitter, capped at the maximum', () => {
    const top = new RetryPolicy({
      retries: 10,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.999999,
    });
    expect([1, 2, 3, 4, 5].map((n) => top.backoffDelayMs(n))).toEqual([99, 199, 399, 799, 999]);
    const bottom = new RetryPolicy({
      retries: 10,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0,
    });
    expect(bottom.backoffDelayMs(3)).toBe(0);
  });

  it('retries transient failures until the retry budget is spent', () => {
    const policy = new RetryPolicy({
      retries: 2,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.5,
    });
    expect(policy.decide(unavailable(), 1)).toEqual({ retry: true, delayMs: 50 });
    expect(policy.decide(unavailable(), 2)).toEqual({ retry: true, delayMs: 100 });
    expect(policy.decide(unavailable(), 3)).toEqual({ retry: false });
  });

  it('waits what Retry-After asks on a 429, within the same budget', () => {
    const policy = new RetryPolicy({ retries: 1, baseDelayMs: 100, maxDelayMs: 5000 });
    const limited = new Sequel247RateLimitedError('slow down', 2000);
    expect(policy.decide(limited, 1)).toEqual({ retry: true, delayMs: 2000 });
    expect(policy.decide(limited, 2)).toEqual({ retry: false });
  });

  it('gives up at once when Retry-After is longer than it may wait', () => {
    const policy = new RetryPolicy({ retries: 3, baseDelayMs: 100, maxDelayMs: 5000 });
    expect(policy.decide(new Sequel247RateLimitedError('later', 60_000), 1)).toEqual({
      retry: false,
    });
  });

  it.each([
    ['an auth failure', new Sequel247AuthError('bad token')],
    ['a missing docket', new Sequel247DocketNotFoundError('0000000001')],
    ['a bad response', new Sequel247BadResponseError('garbage')],
    ['an ambiguous booking failure', new Sequel247UnavailableError('timeout', undefined, false)],
  ])('never retries %s', (_label, error) => {
    const policy = new RetryPolicy({ retries: 3, baseDelayMs: 100, maxDelayMs: 5000 });
    expect(policy.decide(error, 1)).toEqual({ retry: false });
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs(['0.5'])).toBe(500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2024-03-01T10:00:00Z');
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 09:00:00 GMT', now)).toBe(0);
  });

  it('returns null when absent or unreadable', () => {
    expect(parseRetryAfterMs(undefined)).toBeNull();
    expect(parseRetryAfterMs('')).toBeNull();
    expect(parseRetryAfterMs('soon')).toBeNull();
  });
});
