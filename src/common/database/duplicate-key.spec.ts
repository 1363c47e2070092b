import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from './duplicate-key.js';

describe('isDuplicateKeyError', () => {
  it('recognises a server error with code 11000', () => {
    const error = new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect(isDuplicateKeyError(error)).toBe(true);
  });

  it('rejects other server errors and plain errors', () => {
    expect(isDuplicateKeyError(new mongo.MongoServerError({ message: 'x', code: 1 }))).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000 duplicate key'))).toBe(false);
  });
});
