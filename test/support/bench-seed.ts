import mongoose from 'mongoose';
import { ConfigService } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import type { AllConfig } from '../../src/config/index.js';
import { generateOrderNumber } from '../../src/orders/order-number.js';
import { OrderStatus, StatusChangeSource } from '../../src/orders/order-status.js';
import type { TestApp } from './test-app.js';

const { ObjectId } = mongoose.mongo;
type ObjectIdT = InstanceType<typeof ObjectId>;

export interface SeededUser {
  id: ObjectIdT;
  email: string;
  token: string;
}

/** Users written straight to the database, with bearer tokens signed by the app's secret. */
export async function seedUsers(
  t: TestApp,
  count: number,
  prefix = 'bench',
): Promise<SeededUser[]> {
  const auth = t.app.get<ConfigService<AllConfig, true>>(ConfigService).getOrThrow('auth', {
    infer: true,
  });
  const now = new Date();
  const users = Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    email: `${prefix}.customer${i}@example.in`,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$unused$unused',
    firstName: `Customer${i}`,
    lastName: 'Load',
    role: 'customer',
    createdAt: now,
    updatedAt: now,
  }));
  for (let i = 0; i < users.length; i += 1_000) {
    await t.db.collection('users').insertMany(users.slice(i, i + 1_000), { ordered: false });
  }
  return users.map((u) => ({
    id: u._id,
    email: u.email,
    token: jwt.sign({ sub: u._id.toHexString() }, auth.jwtSecret, {
      algorithm: 'HS256',
      expiresIn: 3 * 3600,
      issuer: auth.jwtIssuer,
      audience: auth.jwtAudience,
    }),
  }));
}

/** `count` one-line orders in `status`, spread over `users`, written straight to the database. */
export async function seedOrders(
  t: TestApp,
  users: SeededUser[],
  count: number,
  status: OrderStatus,
): Promise<Array<{ id: string; orderNumber: string; userId: string }>> {
  const seen = new Set<string>();
  const now = Date.now();
  const orders = Array.from({ length: count }, (_, i) => {
    const user = users[i % users.length];
    let orderNumber = generateOrderNumber();
    while (seen.has(orderNumber)) orderNumber = generateOrderNumber();
    seen.add(orderNumber);
    const createdAt = new Date(now - (count - i) * 1_000);
    const history = [
      { from: null, to: OrderStatus.Pending, at: createdAt, source: StatusChangeSource.Customer },
      ...(status === OrderStatus.Pending
        ? []
        : [
            {
              from: OrderStatus.Pending,
              to: status,
              at: createdAt,
              source: StatusChangeSource.Admin,
            },
          ]),
    ].map((h) => ({ ...h, actor: null, note: null }));
    return {
      _id: new ObjectId(),
      orderNumber,
      user: user.id,
      customerEmail: user.email,
      items: [
        {
          product: new ObjectId(),
          sku: 'BENCH-RING',
          name: 'Bench Gold Ring',
          unitPricePaise: 1_250_000,
          quantity: 1,
          lineTotalPaise: 1_250_000,
        },
      ],
      subtotalPaise: 1_250_000,
      shippingFeePaise: 0,
      totalPaise: 1_250_000,
      currency: 'INR',
      shippingAddress: {
        fullName: 'Bench Customer',
        phone: '9876543210',
        line1: '1, MG Road',
        city: 'Bengaluru',
        state: 'Karnataka',
        pincode: '560001',
        country: 'IN',
      },
      status,
      statusHistory: history,
      outbox: [],
      createdAt,
      updatedAt: createdAt,
    };
  });
  for (let i = 0; i < orders.length; i += 1_000) {
    await t.db.collection('orders').insertMany(orders.slice(i, i + 1_000), { ordered: false });
  }
  return orders.map((o) => ({
    id: o._id.toHexString(),
    orderNumber: o.orderNumber,
    userId: o.user.toHexString(),
  }));
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (n: number) => Math.round(n * 10) / 10;
