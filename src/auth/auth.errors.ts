import { DomainError } from '../common/errors/domain-error.js';

export class InvalidCredentialsError extends DomainError {
  readonly kind = 'unauthorized';
  readonly code = 'INVALID_CREDENTIALS';

  constructor() {
    // One message for unknown email and wrong password: no account enumeration.
    super('Email or password is incorrect');
  }
}

export class AuthenticationRequiredError extends DomainError {
  readonly kind = 'unauthorized';
  readonly code = 'UNAUTHORIZED';
}

export class InsufficientRoleError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'FORBIDDEN';

  constructor(required: string[]) {
    super(`This route requires the role: ${required.join(' or ')}`);
  }
}
