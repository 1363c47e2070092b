import { describe, expect, it } from 'vitest';
import { checkCoverage, serves, type QueryShape } from './support/index-coverage.js';

const shape = (filter: Record<string, unknown>, sort: Record<string, 1 | -1> = {}): QueryShape => ({
  collection: 'c',
  method: 'find',
  filter,
  sort,
});

describe('the index-coverage rule (checked on every query of the e2e run at its end)', () => {
  it('accepts equality keys, then the sort, in the index order', () => {
    const index: Array<[string, 1 | -1]> = [
      ['user', 1],
      ['createdAt', -1],
      ['_id', -1],
    ];
    expect(serves(index, shape({ user: 'u' }, { createdAt: -1, _id: -1 }))).toBe(true);
    expect(serves(index, shape({ user: 'u' }, { createdAt: 1, _id: 1 }))).toBe(true); // reversed
    expect(serves(index, shape({ user: 'u' }))).toBe(true);
  });

  it('refuses a sort the index cannot give, or an index the query does not start', () => {
    const index: Array<[string, 1 | -1]> = [
      ['user', 1],
      ['createdAt', -1],
    ];
    expect(serves(index, shape({ user: 'u' }, { totalPaise: -1 }))).toBe(false);
    expect(serves(index, shape({ user: 'u' }, { createdAt: -1, _id: -1 }))).toBe(false);
    expect(serves(index, shape({ status: 'x' }))).toBe(false);
    expect(serves(index, shape({ user: 'u' }, { createdAt: 1, _id: -1 }))).toBe(false); // mixed
  });

  it('takes a leading range key, and $in as equality', () => {
    expect(serves([['expiresAt', 1]], shape({ expiresAt: { $lt: { $date: 'x' } } }))).toBe(true);
    expect(serves([['status', 1]], shape({ status: { $in: ['a', 'b'] } }))).toBe(true);
    expect(serves([['createdAt', -1]], shape({ status: { $gt: 1 } }))).toBe(false);
  });

  it('reports each uncovered shape once, by collection, method, keys and sort', () => {
    const report = checkCoverage(
      [
        { collection: 'c', method: 'find', args: [{ colour: 'red' }, {}, { sort: { size: 1 } }] },
        { collection: 'c', method: 'find', args: [{ colour: 'blue' }, {}, { sort: { size: 1 } }] },
        { collection: 'c', method: 'updateOne', args: [{ _id: 'x', colour: 'red' }, {}] },
      ],
      [{ collection: 'c', keys: [['_id', 1]] }],
    );
    expect(report.uncovered).toEqual(['c.find eq[colour] range[] sort[size:1]']);
    expect(report.covered.map((c) => c.shape)).toEqual([
      'c.updateOne eq[_id,colour] range[] sort[]',
    ]);
  });
});
