import { DomainError, DomainErrorKind } from '../common/errors/domain-error.js';

/** No provider is registered under this `courierService`. */
export class UnknownCourierError extends DomainError {
  readonly kind: DomainErrorKind = 'invalid';
  readonly code = 'UNKNOWN_COURIER';

  constructor(
    readonly courierService: string,
    known: readonly string[],
  ) {
    super(`Unknown courierService "${courierService}"; known: ${known.join(', ')}`);
  }
}

/** The courier cannot do this (e.g. book through a manual provider). */
export class CourierCapabilityError extends DomainError {
  readonly kind: DomainErrorKind = 'invalid';
  readonly code = 'COURIER_CAPABILITY_MISSING';

  constructor(
    readonly courierService: string,
    capability: string,
  ) {
    super(`${courierService} does not support ${capability}`);
  }
}
