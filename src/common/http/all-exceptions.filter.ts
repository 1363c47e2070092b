import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '../errors/database-unavailable.js';
import { DomainError, DomainErrorKind } from '../errors/domain-error.js';
import { errorStack } from '../errors/error-message.js';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  gone: HttpStatus.GONE,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export interface ErrorEnvelope {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

interface Mapped {
  status: number;
  body: ErrorEnvelope;
}

/** Errors raised by body-parser (malformed JSON, too large) carry these fields. */
interface BodyParserError {
  status: number;
  type: string;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).status === 'number' &&
    typeof (e as BodyParserError).type === 'string'
  );
}

function envelope(code: string, message: string, details?: unknown): ErrorEnvelope {
  return {
    success: false,
    error: details === undefined ? { code, message } : { code, message, details },
  };
}

/** Turns every error into the one error envelope; the only place errors become HTTP. */
export function mapError(exception: unknown): Mapped {
  if (exception instanceof DomainError) {
    return {
      status: STATUS_BY_KIND[exception.kind],
      body: envelope(exception.code, exception.message, exception.details),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    if (status === 413) {
      return { status, body: envelope('PAYLOAD_TOO_LARGE', 'Request body is too large') };
    }
    if (status === 429) {
      // The throttler's own message names its class; say what the client needs instead.
      return {
        status,
        body: envelope('RATE_LIMITED', 'Too many requests; retry after the Retry-After header'),
      };
    }
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = response.message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    return { status, body: envelope(CODE_BY_STATUS[status] ?? `HTTP_${status}`, message) };
  }
  if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
    const message =
      exception.type === 'entity.parse.failed'
        ? 'Malformed JSON in request body'
        : exception.type === 'entity.too.large'
          ? 'Request body is too large'
          : exception.message;
    const code =
      exception.type === 'entity.parse.failed'
        ? 'MALFORMED_JSON'
        : (CODE_BY_STATUS[exception.status] ?? `HTTP_${exception.status}`);
    return { status: exception.status, body: envelope(code, message) };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: envelope('DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly'),
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: envelope('INTERNAL_ERROR', 'An unexpected error occurred'),
  };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = mapError(exception);
    if (status >= 500 && !(exception instanceof DomainError)) {
      this.logger.error(errorStack(exception));
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  }
}
