import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/domain-error.js';

export const DOCKET_NUMBER = /^\d{10}$/;

/** Sequel247 dockets are exactly 10 digits (leading zeros allowed); anything else is a 400. */
@Injectable()
export class DocketNumberPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !DOCKET_NUMBER.test(value)) {
      throw new ValidationFailedError([
        { field: 'docketNumber', messages: ['docketNumber must be exactly 10 digits'] },
      ]);
    }
    return value;
  }
}
