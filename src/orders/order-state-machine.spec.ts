import { describe, expect, it } from 'vitest';
import {
  canTransition,
  checkTransition,
  isFinal,
  ORDER_TRANSITIONS,
  releasesStock,
} from './order-state-machine.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';
import { IllegalStatusTransitionError } from './orders.errors.js';

const { Pending, Processing, Shipped, Delivered, Cancelled, Returned } = OrderStatus;
const ALL = Object.values(OrderStatus);

describe('order state machine', () => {
  it('has an entry for every status', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ALL].sort());
  });

  it.each([
    [Pending, Processing],
    [Pending, Shipped],
    [Pending, Cancelled],
    [Processing, Shipped],
    [Processing, Cancelled],
    [Shipped, Delivered],
    [Shipped, Returned],
    [Delivered, Returned],
  ])('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(checkTransition(from, to)).toBe('move');
  });

  it('allows exactly the eight listed moves and nothing else to customers and admins', () => {
    for (const source of [undefined, StatusChangeSource.Admin, StatusChangeSource.Customer]) {
      const legal = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to, source)));
      expect(legal).toHaveLength(8);
    }
  });

  it('lets only the courier move shipped → cancelled (a booking cancelled before pickup)', () => {
    expect(canTransition(Shipped, Cancelled, StatusChangeSource.Courier)).toBe(true);
    expect(checkTransition(Shipped, Cancelled, 'X', StatusChangeSource.Courier)).toBe('move');
    expect(() => checkTransition(Shipped, Cancelled, 'X', StatusChangeSource.Admin)).toThrow(
      IllegalStatusTransitionError,
    );
    expect(releasesStock(Shipped, Cancelled)).toBe(true);
  });

  it.each([
    [Processing, Pending],
    [Shipped, Cancelled],
    [Shipped, Processing],
    [Delivered, Cancelled],
    [Delivered, Shipped],
    [Cancelled, Pending],
    [Cancelled, Processing],
    [Returned, Delivered],
    [Pending, Delivered],
    [Pending, Returned],
  ])('refuses %s → %s with an error naming both statuses', (from, to) => {
    expect(() => checkTransition(from, to, 'DKT-261125-ABCDEF')).toThrow(
      IllegalStatusTransitionError,
    );
    try {
      checkTransition(from, to, 'DKT-261125-ABCDEF');
    } catch (error) {
      const e = error as IllegalStatusTransitionError;
      expect(e.message).toBe(`Order DKT-261125-ABCDEF is ${from} and cannot move to ${to}`);
      expect(e.details).toEqual({ current: from, requested: to });
      expect(e.kind).toBe('conflict');
    }
  });

  it.each(ALL)('treats a move from %s to itself as a no-op', (status) => {
    expect(checkTransition(status, status)).toBe('noop');
  });

  it('treats cancelled and returned as final', () => {
    expect(ALL.filter(isFinal).sort()).toEqual([Cancelled, Returned].sort());
  });

  it('releases stock only when a cancelled order still held it or never left the store', () => {
    expect(releasesStock(Pending, Cancelled)).toBe(true);
    expect(releasesStock(Processing, Cancelled)).toBe(true);
    expect(releasesStock(Pending, Processing)).toBe(false);
    expect(releasesStock(Pending, Shipped)).toBe(false);
    expect(releasesStock(Shipped, Returned)).toBe(false);
    expect(releasesStock(Delivered, Returned)).toBe(false);
  });
});
