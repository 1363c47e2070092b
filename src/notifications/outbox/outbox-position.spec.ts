import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  isPosition,
  nextPosition,
  positionAt,
  timeOfPosition,
} from './outbox-position.js';

describe('outbox positions', () => {
  it('increase strictly within a process, even within one millisecond or if the clock goes back', () => {
    const a = nextPosition(1_000_000);
    const b = nextPosition(1_000_000);
    const c = nextPosition(999_000);
    expect(a < b && b < c).toBe(true);
    expect(timeOfPosition(c)).toBe(1_000_000);
  });

  it('sort by time as strings, and positionAt(ms) sorts before every position at ms', () => {
    const later = nextPosition(2_000_000_000_000);
    expect(positionAt(2_000_000_000_000) < later).toBe(true);
    expect(positionAt(2_000_000_000_001) > later).toBe(true);
  });

  it('recognises well-formed positions only (Last-Event-ID is client input)', () => {
    expect(isPosition(nextPosition())).toBe(true);
    expect(isPosition('12')).toBe(false);
    expect(isPosition('1796164204967-6aa592d2-000000; drop')).toBe(false);
  });

  it('files records in 10-second buckets', () => {
    expect(bucketOf(1_796_164_209_999)).toBe(179_616_420);
    expect(bucketOf(1_796_164_210_000)).toBe(179_616_421);
  });
});
