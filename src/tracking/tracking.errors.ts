import { DomainError } from '../common/errors/domain-error.js';

export class TrackingNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'TRACKING_NOT_FOUND';

  constructor(docketNumber: string) {
    super(`No shipment is tracked with docket ${docketNumber}`);
  }
}

export class DocketAlreadyUsedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'DOCKET_ALREADY_USED';

  constructor(docketNumber: string) {
    super(`Docket ${docketNumber} is already used by another order`, { docketNumber });
  }
}

export class TrackingSyncInProgressError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'TRACKING_SYNC_IN_PROGRESS';

  constructor(docketNumber: string) {
    super(`Docket ${docketNumber} is being synced right now; try again in a moment`, {
      docketNumber,
    });
  }
}

/** A milestone that would move a shipment backwards, or change one that is already final. */
export class TrackingStatusNotAllowedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'TRACKING_STATUS_NOT_ALLOWED';

  constructor(docketNumber: string, current: string, requested: string) {
    super(
      `Shipment ${docketNumber} is ${current} and cannot move to ${requested} (statuses only move forward; delivered, cancelled and returned are final)`,
      { docketNumber, current, requested },
    );
  }
}
