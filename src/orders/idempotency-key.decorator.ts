import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationFailedError } from '../common/errors/domain-error.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Printable ASCII without spaces, e.g. a UUID. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` header, validated; undefined when absent. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const raw = context.switchToHttp().getRequest<Request>().header(IDEMPOTENCY_KEY_HEADER);
    if (raw === undefined) return undefined;
    if (!VALID_KEY.test(raw)) {
      throw new ValidationFailedError([
        {
          field: IDEMPOTENCY_KEY_HEADER,
          messages: ['Idempotency-Key must be 1-255 printable ASCII characters without spaces'],
        },
      ]);
    }
    return raw;
  },
);
