/**
 * Tracking-number rules. Each provider declares its own; a tracking number is unique across
 * all couriers (it is the tracking record's key and the `:trackingNumber` of the tracking
 * routes), so a manual number equal to a Sequel247 docket is refused as already used.
 */
export interface DocketRule {
  pattern: RegExp;
  /** Said in the 400 when a number does not match, e.g. "must be exactly 10 digits". */
  description: string;
}

/** Sequel247 dockets: exactly 10 digits, leading zeros allowed; always a string. */
export const SEQUEL247_DOCKET_RULE: DocketRule = {
  pattern: /^\d{10}$/,
  description: 'must be exactly 10 digits',
};

/** Free-form numbers of couriers without an API: letters, digits, `-`, `/`, 4–40 characters. */
export const FREE_FORM_DOCKET_RULE: DocketRule = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9\-/]{3,39}$/,
  description: 'must be 4–40 letters, digits, "-" or "/", starting with a letter or digit',
};

/**
 * What any registered courier could have issued: the widest rule, for routes that take a
 * tracking number before they know its courier (`/api/tracking/:trackingNumber`).
 */
export const ANY_TRACKING_NUMBER_RULE: DocketRule = FREE_FORM_DOCKET_RULE;

export function matchesRule(rule: DocketRule, value: string): boolean {
  return rule.pattern.test(value);
}
