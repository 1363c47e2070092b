import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { WebhookDeliveryLease } from './schemas/webhook-delivery.schema.js';

const DUPLICATE_KEY = 11000;

export interface AttemptLease {
  key: string;
  deliveryId: string;
  attempt: number;
}

/**
 * Claims delivery attempts by inserting lease records (see WebhookDeliveryLease). A holder that
 * crashed leaves its lease until it expires; the next claimer then inserts the next takeover
 * number for the same attempt, again by insert, so two instances taking over still end with one.
 */
@Injectable()
export class WebhookDeliveryLeases {
  constructor(
    @InjectModel(WebhookDeliveryLease.name) private readonly leases: Model<WebhookDeliveryLease>,
  ) {}

  /**
   * Claims an attempt: the first claim inserts takeover 0 straight away (one write); only when
   * that collides are the attempt's leases read, to take over an expired one.
   */
  async claim(
    owner: string,
    deliveryId: string,
    attempt: number,
    leaseMs: number,
  ): Promise<AttemptLease | null> {
    const first = await this.insert(owner, deliveryId, attempt, 0, leaseMs);
    if (first) return first;
    const existing = await this.leases
      .find({ delivery: deliveryId, attempt })
      .lean<WebhookDeliveryLease[]>();
    if (existing.some((l) => l.expiresAt.getTime() > Date.now())) return null;
    const takeover = Math.max(0, ...existing.map((l) => l.takeover)) + 1;
    return this.insert(owner, deliveryId, attempt, takeover, leaseMs);
  }

  private async insert(
    owner: string,
    deliveryId: string,
    attempt: number,
    takeover: number,
    leaseMs: number,
  ): Promise<AttemptLease | null> {
    const key = `${deliveryId}:${attempt}:${takeover}`;
    try {
      await this.leases.collection.insertOne({
        _id: key,
        delivery: deliveryId,
        attempt,
        takeover,
        owner,
        expiresAt: new Date(Date.now() + leaseMs),
      } as unknown as mongo.Document);
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY) return null;
      throw error;
    }
    return { key, deliveryId, attempt };
  }

  /** Drops a lease and any expired ones of the same attempt it took over from. */
  async release(lease: AttemptLease): Promise<void> {
    await this.leases.deleteMany({ delivery: lease.deliveryId, attempt: lease.attempt });
  }

  /** Leases left by crashed holders (no TTL indexes on FerretDB). */
  async purgeExpired(olderThan: Date): Promise<number> {
    const result = await this.leases.deleteMany({ expiresAt: { $lt: olderThan } });
    return result.deletedCount;
  }
}
