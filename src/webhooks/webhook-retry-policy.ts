export interface RetryPolicy {
  retryBaseMs: number;
  retryMaxDelayMs: number;
}

/**
 * Delay before attempt `attempts + 1` after `attempts` failed ones: base × 4^(attempts − 1),
 * capped, then spread by ±25 % jitter so endpoints that failed together do not retry together.
 * With the defaults (5 s base, 6 h cap): 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, 6 h…,
 * about ten attempts inside the 24 h retry window.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random = Math.random): number {
  const exponent = Math.max(0, attempts - 1);
  const raw = Math.min(policy.retryBaseMs * 4 ** exponent, policy.retryMaxDelayMs);
  const jitter = 1 + (random() * 2 - 1) * 0.25;
  return Math.max(1, Math.round(raw * jitter));
}
