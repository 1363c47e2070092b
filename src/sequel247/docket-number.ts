import { Matches } from 'class-validator';

/**
 * The one docket-number rule, for request bodies (`@IsDocketNumber()`) and route parameters
 * (DocketNumberPipe) alike: Sequel247 dockets are exactly 10 digits, leading zeros allowed.
 */
export const DOCKET_NUMBER = /^\d{10}$/;

export const DOCKET_NUMBER_RULE = 'must be exactly 10 digits';

export function isDocketNumber(value: unknown): value is string {
  return typeof value === 'string' && DOCKET_NUMBER.test(value);
}

/** class-validator decorator for a DTO field holding a docket number. */
export function IsDocketNumber(): PropertyDecorator {
  return Matches(DOCKET_NUMBER, { message: `$property ${DOCKET_NUMBER_RULE}` });
}
