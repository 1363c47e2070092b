import { DomainError } from '../common/errors/domain-error.js';
import type { OrderStatus } from './order-status.js';

export class OrderNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'ORDER_NOT_FOUND';

  constructor(orderRef: string) {
    super(`Order ${orderRef} not found`);
  }
}

export class IllegalStatusTransitionError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'ILLEGAL_STATUS_TRANSITION';

  constructor(
    readonly current: OrderStatus,
    readonly requested: OrderStatus,
    orderNumber?: string,
  ) {
    super(
      `Order${orderNumber ? ` ${orderNumber}` : ''} is ${current} and cannot move to ${requested}`,
      { current, requested },
    );
  }
}

/** Lost several races in a row against other changes to the same order; safe to retry. */
export class OrderBusyError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'ORDER_BUSY';

  constructor(orderRef: string) {
    super(`Order ${orderRef} is being changed by another request; try again`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(orderNumber: string) {
    super(
      `This Idempotency-Key was already used for order ${orderNumber} with a different request body`,
      { orderNumber },
    );
  }
}

export class OrderAlreadyShippedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'ORDER_ALREADY_SHIPPED';

  constructor(orderNumber: string, docketNumber: string) {
    super(`Order ${orderNumber} is already shipped with docket ${docketNumber}`, {
      orderNumber,
      docketNumber,
    });
  }
}

/** An earlier ship call for this order (with another docket) has not finished. */
export class ShipmentInProgressError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'SHIPMENT_IN_PROGRESS';

  constructor(orderNumber: string, docketNumber: string) {
    super(
      `Order ${orderNumber} is already being shipped with docket ${docketNumber}; repeat that call to finish it`,
      { orderNumber, docketNumber },
    );
  }
}

/** A ship request asks for more units of a line than are left to ship (or for a product not on the order). */
export class QuantityNotShippableError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'QUANTITY_NOT_SHIPPABLE';

  constructor(
    orderNumber: string,
    readonly lines: Array<{ product: string; requested: number; available: number }>,
  ) {
    super(
      `Order ${orderNumber} cannot ship ${lines
        .map((l) => `${l.requested} of product ${l.product} (${l.available} left to ship)`)
        .join(', ')}`,
      { orderNumber, lines },
    );
  }
}

export class ShipmentNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'SHIPMENT_NOT_FOUND';

  constructor(orderNumber: string, docketNumber: string) {
    super(`Order ${orderNumber} has no shipment ${docketNumber}`, { orderNumber, docketNumber });
  }
}

/** The shipment cannot be returned in its state (not yet left, or cancelled by the courier). */
export class ShipmentNotReturnableError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'SHIPMENT_NOT_RETURNABLE';

  constructor(docketNumber: string, reason: string) {
    super(`Shipment ${docketNumber} cannot be returned: ${reason}`, { docketNumber });
  }
}
