/**
 * What went wrong, in domain terms. The one HTTP mapping lives in
 * {@link AllExceptionsFilter}; services never throw HTTP exceptions.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable, machine-readable code, e.g. `ORDER_NOT_FOUND`. */
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class ValidationFailedError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly fields: FieldError[]) {
    super(
      `Invalid request: ${fields.map((f) => `${f.field} (${f.messages.join('; ')})`).join(', ')}`,
      fields,
    );
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'SERVICE_UNAVAILABLE';
}
