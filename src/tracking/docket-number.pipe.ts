import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { ANY_TRACKING_NUMBER_RULE, matchesRule } from '../courier/docket-rules.js';

/**
 * A tracking number in a URL: anything some registered courier could have issued (a 10-digit
 * Sequel247 docket, a manual parcel's free-form number); anything else is a 400.
 */
@Injectable()
export class DocketNumberPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !matchesRule(ANY_TRACKING_NUMBER_RULE, value)) {
      throw new ValidationFailedError([
        {
          field: 'docketNumber',
          messages: [`docketNumber ${ANY_TRACKING_NUMBER_RULE.description}`],
        },
      ]);
    }
    return value;
  }
}
