import { DomainError } from '../common/errors/domain-error.js';

export class EmailMessageNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'EMAIL_MESSAGE_NOT_FOUND';

  constructor(id: string) {
    super(`No email message with id ${id}`, { id });
  }
}

export class EmailNotRetryableError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'EMAIL_NOT_RETRYABLE';

  constructor(id: string, status: string) {
    super(`Email ${id} is ${status}; only dead messages can be retried`, { id, status });
  }
}
