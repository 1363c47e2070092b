import { createHash } from 'node:crypto';
import type { FieldError } from '../common/errors/domain-error.js';
import type { ProductSnapshot } from '../products/products.service.js';
import type { OrderLineDto } from './dto/place-order.dto.js';
import type { ShippingAddressDto } from './dto/shipping-address.dto.js';

export interface MergedLine {
  productId: string;
  quantity: number;
}

export interface PricedItem {
  product: string;
  sku: string;
  name: string;
  unitPricePaise: number;
  quantity: number;
  lineTotalPaise: number;
}

export interface PricedOrder {
  items: PricedItem[];
  subtotalPaise: number;
  shippingFeePaise: number;
  totalPaise: number;
}

/** One line per product, quantities added, in the order products first appear. */
export function mergeLines(lines: OrderLineDto[]): MergedLine[] {
  const byProduct = new Map<string, number>();
  for (const line of lines) {
    const id = line.product.toLowerCase();
    byProduct.set(id, (byProduct.get(id) ?? 0) + line.quantity);
  }
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Each line over the per-line maximum, named as the client sent it; empty when all fit. */
export function quantityErrors(lines: OrderLineDto[], maxPerLine: number): FieldError[] {
  const message = `quantity must not be greater than ${maxPerLine}`;
  const errors: FieldError[] = lines.flatMap((line, i) =>
    line.quantity > maxPerLine ? [{ field: `items.${i}.quantity`, messages: [message] }] : [],
  );
  if (errors.length) return errors;
  // Every line fits on its own, but lines for one product may add up to too many.
  return mergeLines(lines)
    .filter((line) => line.quantity > maxPerLine)
    .map((line) => ({
      field: 'items',
      messages: [
        `product ${line.productId}: ${line.quantity} units across its lines; at most ${maxPerLine}`,
      ],
    }));
}

/** Prices every line from the server's product data; all sums are integer paise. */
export function priceOrder(
  lines: MergedLine[],
  products: Map<string, ProductSnapshot>,
  shippingFeePaise: number,
): PricedOrder {
  const items = lines.map((line) => {
    const product = products.get(line.productId);
    if (!product) throw new Error(`No snapshot for product ${line.productId}`);
    return {
      product: line.productId,
      sku: product.sku,
      name: product.name,
      unitPricePaise: product.pricePaise,
      quantity: line.quantity,
      lineTotalPaise: product.pricePaise * line.quantity,
    };
  });
  const subtotalPaise = items.reduce((sum, item) => sum + item.lineTotalPaise, 0);
  return { items, subtotalPaise, shippingFeePaise, totalPaise: subtotalPaise + shippingFeePaise };
}

/** Stable hash of what was asked for, to tell a retry from a reused Idempotency-Key. */
export function requestFingerprint(lines: MergedLine[], address: ShippingAddressDto): string {
  const canonical = JSON.stringify({
    items: [...lines]
      .sort((a, b) => a.productId.localeCompare(b.productId))
      .map((l) => [l.productId, l.quantity]),
    address: [
      address.fullName,
      address.phone,
      address.line1,
      address.line2 ?? '',
      address.city,
      address.state,
      address.pincode,
      address.country,
    ],
  });
  return createHash('sha256').update(canonical).digest('hex');
}
