import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { DOCKET_NUMBER_RULE, isDocketNumber } from '../sequel247/docket-number.js';

/** A docket number in a route parameter; anything but the one docket rule is a 400. */
@Injectable()
export class DocketNumberPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isDocketNumber(value)) {
      throw new ValidationFailedError([
        { field: 'docketNumber', messages: [`docketNumber ${DOCKET_NUMBER_RULE}`] },
      ]);
    }
    return value;
  }
}
