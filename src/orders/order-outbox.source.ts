import { Injectable } from '@nestjs/common';
import type { OutboxSource, PendingOutbox } from '../common/outbox/outbox-entry.js';
import { OrdersService } from './orders.service.js';

/** The orders collection's outbox entries, for the Notifications relay. */
@Injectable()
export class OrderOutboxSource implements OutboxSource {
  readonly name = 'orders';
  /** Clearing goes through OrdersService's per-order lock, like every order write. */
  readonly clearRightAway = true;

  constructor(private readonly orders: OrdersService) {}

  async pendingOf(orderId: string): Promise<PendingOutbox | null> {
    const entries = await this.orders.outboxOf(orderId);
    return entries.length ? { documentId: orderId, entries } : null;
  }

  async findPending(limit: number): Promise<PendingOutbox[]> {
    const found = await this.orders.findWithOutbox(limit);
    return found.map((o) => ({ documentId: o.orderId, entries: o.outbox }));
  }

  clear(orderId: string, keys: string[]): Promise<void> {
    return this.orders.clearOutbox(orderId, keys);
  }
}
