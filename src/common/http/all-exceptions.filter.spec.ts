import { NotFoundException } from '@nestjs/common';
import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { DomainError, ValidationFailedError } from '../errors/domain-error.js';
import { mapError } from './all-exceptions.filter.js';

class WidgetLockedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'WIDGET_LOCKED';
}

describe('mapError', () => {
  it('answers 503 when FerretDB reports its PostgreSQL storage away', () => {
    const error = new mongo.MongoServerError({
      ok: 0,
      code: 1,
      codeName: 'InternalError',
      errmsg:
        '[collection.go:109 postgresql.(*collection).Query] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
    });
    const { status, body } = mapError(error);
    expect(status).toBe(503);
    expect(body.error.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('answers 503 when the database cannot be reached', () => {
    expect(mapError(new mongo.MongoNetworkError('connect ECONNREFUSED')).status).toBe(503);
  });

  it('keeps other database errors a 500', () => {
    const error = new mongo.MongoServerError({ ok: 0, code: 2, errmsg: 'BadValue' });
    expect(mapError(error).status).toBe(500);
  });

  it('maps a domain error by its kind and keeps its code and details', () => {
    expect(mapError(new WidgetLockedError('Widget 7 is locked', { id: 7 }))).toEqual({
      status: 409,
      body: {
        success: false,
        error: { code: 'WIDGET_LOCKED', message: 'Widget 7 is locked', details: { id: 7 } },
      },
    });
  });

  it('lists each invalid field for validation errors', () => {
    const { status, body } = mapError(
      new ValidationFailedError([{ field: 'email', messages: ['email must be an email'] }]),
    );
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ field: 'email', messages: ['email must be an email'] }]);
    expect(body.error.message).toContain('email');
  });

  it('keeps Nest HTTP exceptions status and message', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'))).toEqual({
      status: 404,
      body: { success: false, error: { code: 'NOT_FOUND', message: 'Cannot GET /x' } },
    });
  });

  it('hides unexpected errors behind a generic 500', () => {
    const { status, body } = mapError(new TypeError('secret internals at foo.ts:12'));
    expect(status).toBe(500);
    expect(body.error).toEqual({ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' });
  });
});
