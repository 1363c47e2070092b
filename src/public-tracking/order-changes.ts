import { Injectable } from '@nestjs/common';
import { filter, map, type Observable } from 'rxjs';
import { OutboxFeed } from '../notifications/outbox/outbox-feed.service.js';

/** A change to one order (status, new shipment, new scan), as a live page needs to know it. */
export interface OrderChange {
  /** Feed position: the SSE event id. */
  position: string;
  type: string;
}

/** Live changes of one order, whichever instance made them. */
export interface OrderChanges {
  of(orderId: string): Observable<OrderChange>;
}
export const ORDER_CHANGES = Symbol('ORDER_CHANGES');

/**
 * From the notifications feed: every instance reads every record from the shared outbox, so a
 * scan recorded by another instance's sync still reaches a page open on this one.
 */
@Injectable()
export class OutboxOrderChanges implements OrderChanges {
  constructor(private readonly feed: OutboxFeed) {}

  of(orderId: string): Observable<OrderChange> {
    return this.feed.records$.pipe(
      filter((record) => record.orderId === orderId),
      map((record) => ({ position: record.position, type: record.type })),
    );
  }
}
