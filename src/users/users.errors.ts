import { DomainError } from '../common/errors/domain-error.js';

export class UserNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'USER_NOT_FOUND';

  constructor(id: string) {
    super(`User ${id} not found`);
  }
}

export class EmailTakenError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'EMAIL_TAKEN';

  constructor() {
    super('An account with this email already exists');
  }
}
