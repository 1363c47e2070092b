import {
  Sequel247Error,
  Sequel247RateLimitedError,
  Sequel247UnavailableError,
} from './sequel247.errors.js';

export interface RetryPolicyOptions {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  /** Ceiling of the first retry's delay; doubles with each retry. */
  baseDelayMs: number;
  /** No back-off delay exceeds this, and a Retry-After longer than this is not waited for. */
  maxDelayMs: number;
  /** Injected for tests. */
  random?: () => number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * When to try a failed courier call again. Transient faults (timeouts, 5xx, refused or dropped
 * connections) back off exponentially with full jitter: a uniform delay in
 * [0, min(max, base·2^(n-1))] before retry n, which spreads synchronised callers apart.
 * A 429 waits what Retry-After asks — within the same retry budget — unless that is longer
 * than `maxDelayMs`, in which case the caller gets the rate-limit error at once and can
 * reschedule. Everything else (auth, not found, bad responses, rejections) is final.
 */
export class RetryPolicy {
  private readonly random: () => number;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
  }

  /** `attempt` is the 1-based number of the attempt that just failed. */
  decide(error: Sequel247Error, attempt: number): RetryDecision {
    if (attempt > this.options.retries || !error.retryable) return { retry: false };
    if (error instanceof Sequel247RateLimitedError) {
      if (error.retryAfterMs > this.options.maxDelayMs) return { retry: false };
      return { retry: true, delayMs: error.retryAfterMs };
    }
    if (error instanceof Sequel247UnavailableError) {
      return { retry: true, delayMs: this.backoffDelayMs(attempt) };
    }
    return { retry: false };
  }

  /** Full-jitter delay before retry number `retry` (1-based). */
  backoffDelayMs(retry: number): number {
    const ceiling = Math.min(
      this.options.maxDelayMs,
      this.options.baseDelayMs * 2 ** Math.max(0, retry - 1),
    );
    return Math.floor(this.random() * ceiling);
  }
}

/**
 * A Retry-After header: delta-seconds (fractions tolerated) or an HTTP date. Null when absent
 * or unreadable; never negative.
 */
export function parseRetryAfterMs(
  header: string | string[] | undefined | null,
  now: number = Date.now(),
): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
