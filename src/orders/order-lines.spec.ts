import { describe, expect, it } from 'vitest';
import type { ProductSnapshot } from '../products/products.service.js';
import type { ShippingAddressDto } from './dto/shipping-address.dto.js';
import { mergeLines, priceOrder, quantityErrors, requestFingerprint } from './order-lines.js';
import { generateOrderNumber, ORDER_NUMBER_PATTERN } from './order-number.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

const address: ShippingAddressDto = {
  fullName: 'Asha Rao',
  phone: '9876543210',
  line1: '12, 4th Cross',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560003',
  country: 'IN',
};

describe('order lines', () => {
  it('merges lines for the same product, keeping first-seen order', () => {
    expect(
      mergeLines([
        { product: B, quantity: 1 },
        { product: A, quantity: 2 },
        { product: B.toUpperCase(), quantity: 3 },
      ]),
    ).toEqual([
      { productId: B, quantity: 4 },
      { productId: A, quantity: 2 },
    ]);
  });

  it('names each line over the per-line maximum', () => {
    expect(
      quantityErrors(
        [
          { product: A, quantity: 3 },
          { product: B, quantity: 11 },
        ],
        10,
      ),
    ).toEqual([{ field: 'items.1.quantity', messages: ['quantity must not be greater than 10'] }]);
  });

  it('refuses duplicate lines that together exceed the maximum, naming the product', () => {
    const errors = quantityErrors(
      [
        { product: A, quantity: 6 },
        { product: A, quantity: 6 },
      ],
      10,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('items');
    expect(errors[0].messages[0]).toContain(A);
  });

  it('prices lines from the product data in integer paise', () => {
    const products = new Map<string, ProductSnapshot>([
      [A, { id: A, sku: 'SKU-A', name: 'Ring', pricePaise: 12_345, active: true }],
      [B, { id: B, sku: 'SKU-B', name: 'Chain', pricePaise: 99_999, active: true }],
    ]);
    const priced = priceOrder(
      [
        { productId: A, quantity: 3 },
        { productId: B, quantity: 1 },
      ],
      products,
      5_000,
    );
    expect(priced.items[0]).toEqual({
      product: A,
      sku: 'SKU-A',
      name: 'Ring',
      unitPricePaise: 12_345,
      quantity: 3,
      lineTotalPaise: 37_035,
    });
    expect(priced.subtotalPaise).toBe(137_034);
    expect(priced.shippingFeePaise).toBe(5_000);
    expect(priced.totalPaise).toBe(142_034);
  });

  it('fingerprints a request independently of line order but not of quantities', () => {
    const one = requestFingerprint(
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 2 },
      ],
      address,
    );
    const reordered = requestFingerprint(
      [
        { productId: B, quantity: 2 },
        { productId: A, quantity: 1 },
      ],
      address,
    );
    const more = requestFingerprint(
      [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 2 },
      ],
      address,
    );
    expect(reordered).toBe(one);
    expect(more).not.toBe(one);
  });
});

describe('order numbers', () => {
  it('look like DKT-YYMMDD-XXXXXX with the UTC date', () => {
    const number = generateOrderNumber(new Date('2026-11-25T23:30:00Z'));
    expect(number).toMatch(ORDER_NUMBER_PATTERN);
    expect(number.startsWith('DKT-261125-')).toBe(true);
  });

  it('rarely repeat', () => {
    const numbers = new Set(Array.from({ length: 1000 }, () => generateOrderNumber()));
    expect(numbers.size).toBe(1000);
  });
});
