import { randomInt } from 'node:crypto';

/** Crockford base32 without I, L, O, U: nothing to misread over the phone. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 6;

/**
 * `DKT-YYMMDD-XXXXXX`: the UTC order date, then 30 random bits (about a billion per day).
 * Uniqueness is the unique index's job; the caller retries on the rare collision.
 */
export function generateOrderNumber(now = new Date()): string {
  const date = now.toISOString().slice(2, 10).replaceAll('-', '');
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `DKT-${date}-${random}`;
}

export const ORDER_NUMBER_PATTERN = /^DKT-\d{6}-[0-9A-HJKMNP-TV-Z]{6}$/;
