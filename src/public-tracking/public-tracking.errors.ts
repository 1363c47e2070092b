import { DomainError } from '../common/errors/domain-error.js';
import type { TrackingLinkProblem } from './tracking-link.signer.js';

/** Unknown order and wrong email alike: the answer must not tell them apart. */
export class ParcelNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'PARCEL_NOT_FOUND';

  constructor() {
    super('No order matches that order or docket number and email');
  }
}

export class TrackingLinkInvalidError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'TRACKING_LINK_INVALID';

  constructor() {
    super('This tracking link is not valid');
  }
}

export class TrackingLinkExpiredError extends DomainError {
  readonly kind = 'gone';
  readonly code = 'TRACKING_LINK_EXPIRED';

  constructor() {
    super('This tracking link has expired; look the order up with its number and email');
  }
}

export class TooManyLookupsError extends DomainError {
  readonly kind = 'rate_limited';
  readonly code = 'TOO_MANY_LOOKUPS';

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many tracking lookups; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export function linkError(problem: TrackingLinkProblem): DomainError {
  return problem === 'expired' ? new TrackingLinkExpiredError() : new TrackingLinkInvalidError();
}
