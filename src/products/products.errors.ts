import { DomainError } from '../common/errors/domain-error.js';

export class ProductNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'PRODUCT_NOT_FOUND';

  constructor(readonly productIds: string[]) {
    super(
      productIds.length === 1
        ? `Product ${productIds[0]} not found`
        : `Products not found: ${productIds.join(', ')}`,
      { productIds },
    );
  }
}

export class ProductInactiveError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'PRODUCT_INACTIVE';

  constructor(products: { id: string; sku: string }[]) {
    super(`No longer for sale: ${products.map((p) => `${p.sku} (${p.id})`).join(', ')}`, {
      products,
    });
  }
}

export class InsufficientStockError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'INSUFFICIENT_STOCK';

  constructor(product: { id: string; sku: string; requested: number }) {
    super(`Not enough stock of ${product.sku} for ${product.requested} more`, product);
  }
}

export class SkuTakenError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'SKU_TAKEN';

  constructor(sku: string) {
    super(`A product with SKU ${sku} already exists`, { sku });
  }
}
