export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before one probe call is let through. */
  cooldownMs: number;
  /** Injected for tests. */
  now?: () => number;
}

export type CircuitPermit =
  { allowed: true; probe: boolean } | { allowed: false; retryInMs: number };

/**
 * Stops calling a dependency that is clearly down. Closed: calls flow, consecutive failures are
 * counted. At `threshold` it opens: calls are refused for `cooldownMs`. Then half-open: exactly
 * one probe call goes through; its success closes the circuit, its failure reopens it for
 * another cool-down. Callers decide what counts as a failure (see the client).
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get currentState(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) {
      return 'half-open';
    }
    return this.state;
  }

  /** Ask before each call; a permit with `probe: true` must be followed by a success or failure. */
  tryAcquire(): CircuitPermit {
    if (this.state === 'closed') return { allowed: true, probe: false };
    const elapsed = this.now() - this.openedAt;
    if (this.state === 'open' && elapsed < this.options.cooldownMs) {
      return { allowed: false, retryInMs: this.options.cooldownMs - elapsed };
    }
    if (this.probeInFlight) return { allowed: false, retryInMs: 0 };
    this.state = 'half-open';
    this.probeInFlight = true;
    return { allowed: true, probe: true };
  }

  recordSuccess(): void {
    this.state = 'closed';
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    if (this.state === 'half-open' || this.consecutiveFailures >= this.options.threshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
    this.probeInFlight = false;
  }

  /**
   * The call ended in a way that says nothing about the dependency's health (e.g. our own
   * rate limit); a probe slot is released without deciding.
   */
  recordNeutral(probe: boolean): void {
    if (probe) {
      this.probeInFlight = false;
      this.state = 'open';
      // Let the next caller probe immediately rather than wait a whole cool-down again.
      this.openedAt = this.now() - this.options.cooldownMs;
    }
  }
}
