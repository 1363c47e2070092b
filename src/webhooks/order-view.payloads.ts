import { Injectable } from '@nestjs/common';
import { OrderNotFoundError } from '../orders/orders.errors.js';
import { OrdersService } from '../orders/orders.service.js';
import type { WebhookPayloadSource } from './webhook-fanout.service.js';

/** Webhook payloads are the order view every API client already knows. */
@Injectable()
export class OrderViewPayloads implements WebhookPayloadSource {
  constructor(private readonly orders: OrdersService) {}

  async orderViews(orderIds: string[]): Promise<Map<string, unknown>> {
    const views = new Map<string, unknown>();
    for (const id of orderIds) {
      try {
        views.set(id, await this.orders.toView(await this.orders.findForShipping(id)));
      } catch (error) {
        if (!(error instanceof OrderNotFoundError)) throw error;
      }
    }
    return views;
  }
}
