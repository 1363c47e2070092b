import { DomainError, DomainErrorKind } from '../../common/errors/domain-error.js';

/**
 * Every failure of a Sequel247 call. `retryable` says whether trying the same call later may
 * succeed (a transient courier fault) or not (configuration, a bad docket, a broken payload).
 * Messages and details never carry the API token.
 */
export abstract class Sequel247Error extends DomainError {
  abstract readonly retryable: boolean;
}

/**
 * The courier refused our credentials: a bad token (HTTP 401/403) or an account/environment
 * that is not activated (envelope code 103, "company status not active"). A configuration
 * problem on our side, so it is never retried and surfaces as 503 rather than 401: the API
 * caller did nothing wrong.
 */
export class Sequel247AuthError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'unavailable';
  readonly code = 'SEQUEL247_AUTH_FAILED';
  readonly retryable = false;
}

export class Sequel247DocketNotFoundError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'not_found';
  readonly code = 'SEQUEL247_DOCKET_NOT_FOUND';
  readonly retryable = false;

  constructor(
    readonly docketNumber: string,
    reason = 'No tracking information found',
  ) {
    super(`Sequel247 has no shipment with docket ${docketNumber}: ${reason}`, { docketNumber });
  }
}

/** HTTP 429. `retryAfterMs` is the courier's Retry-After (or our back-off when it sent none). */
export class Sequel247RateLimitedError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'rate_limited';
  readonly code = 'SEQUEL247_RATE_LIMITED';
  readonly retryable = true;

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, { retryAfterMs });
  }
}

/** Timeouts, 5xx, refused or dropped connections: the courier is (for now) not answering. */
export class Sequel247UnavailableError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'unavailable';
  readonly code = 'SEQUEL247_UNAVAILABLE';

  constructor(
    message: string,
    details?: unknown,
    readonly retryable = true,
  ) {
    super(message, details);
  }
}

/** The courier answered but with malformed JSON or a shape we cannot read. Not retried. */
export class Sequel247BadResponseError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'unavailable';
  readonly code = 'SEQUEL247_BAD_RESPONSE';
  readonly retryable = false;
}

/**
 * The courier understood the request and said no (validation errors, a docket that cannot be
 * cancelled any more, …). Carries the courier's message and field errors; not retried.
 */
export class Sequel247RequestRejectedError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'invalid';
  readonly code = 'SEQUEL247_REQUEST_REJECTED';
  readonly retryable = false;
}

/** The circuit breaker is open: recent calls failed, so this one was not sent. */
export class Sequel247CircuitOpenError extends Sequel247Error {
  readonly kind: DomainErrorKind = 'unavailable';
  readonly code = 'SEQUEL247_CIRCUIT_OPEN';
  readonly retryable = true;

  constructor(readonly retryInMs: number) {
    super(
      `Sequel247 calls are paused after repeated failures; next attempt in ${Math.ceil(retryInMs / 1000)} s`,
      { retryInMs },
    );
  }
}
