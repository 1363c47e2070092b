import { Injectable } from '@nestjs/common';
import { OrderNotFoundError } from '../orders/orders.errors.js';
import { OrdersService } from '../orders/orders.service.js';
import type { WebhookPayloadSource } from './webhook-fanout.service.js';

const READERS = 8;

/** Webhook payloads are the order view every API client already knows. */
@Injectable()
export class OrderViewPayloads implements WebhookPayloadSource {
  constructor(private readonly orders: OrdersService) {}

  /** Each order read by `_id` (FerretDB would decode every order for an `$in`), 8 at a time. */
  async orderViews(orderIds: string[]): Promise<Map<string, unknown>> {
    const views = new Map<string, unknown>();
    let next = 0;
    const reader = async () => {
      while (next < orderIds.length) {
        const id = orderIds[next++];
        try {
          views.set(id, await this.orders.toView(await this.orders.findForShipping(id)));
        } catch (error) {
          if (!(error instanceof OrderNotFoundError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READERS, orderIds.length) }, reader));
    return views;
  }
}
