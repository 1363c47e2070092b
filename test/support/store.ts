import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { bearer, type TestUser } from './auth.js';
import { ADDRESS } from './orders.js';
import type { SandboxControl } from './sequel247-sandbox.js';
import type { TestApp } from './test-app.js';
import { dueNow, scheduleTrackings } from './tracking-schedule.js';

/** Order view fields the notification tests read (`id` is the view's `_id`). */
export interface OrderRef {
  id: string;
  orderNumber: string;
}

/** Starts the app's HTTP server on a loopback port (SSE clients need a real socket). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

export async function createProduct(t: Pick<TestApp, 'http'>, admin: TestUser): Promise<string> {
  const res = await t
    .http()
    .post('/api/products')
    .set(bearer(admin))
    .send({
      sku: `RING-${randomBytes(3).toString('hex').toUpperCase()}`,
      name: '18K Gold Solitaire Ring',
      pricePaise: 2_499_900,
      stock: 10_000,
    });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body.data.id ?? res.body.data._id) as string;
}

export async function placeOrder(
  t: Pick<TestApp, 'http'>,
  customer: TestUser,
  productId: string,
): Promise<OrderRef> {
  const res = await t
    .http()
    .post('/api/orders')
    .set(bearer(customer))
    .send({ items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data._id, orderNumber: res.body.data.orderNumber };
}

/** A docket at the sandbox with the `manual` scenario: it carries exactly the scans added. */
export async function manualDocket(control: SandboxControl): Promise<string> {
  const { docket } = await control.createDocket({
    scenario: 'manual',
    destination: ADDRESS.pincode,
  });
  return docket;
}

export async function ship(t: TestApp, admin: TestUser, orderId: string, docket: string) {
  const res = await t
    .http()
    .post(`/api/orders/admin/${orderId}/ship`)
    .set(bearer(admin))
    .send({ docketNumber: docket, courierService: 'Sequel247' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The courier scans the docket now (IST wall time of the sandbox clock is not needed). */
export async function scan(control: SandboxControl, docket: string, code: string, at: Date) {
  const ist = new Date(at.getTime() + 330 * 60_000).toISOString().replace('T', ' ').slice(0, 19);
  await control.addScan(docket, { code, dateTime: ist, location: 'PUNE', description: code });
}

/** One sync pass through the admin route, after making these dockets due. */
export async function syncNow(t: TestApp, admin: TestUser, dockets: string[]) {
  await scheduleTrackings(t.db, { _id: { $in: dockets } }, dueNow());
  const res = await t.http().post('/api/tracking/admin/sync').set(bearer(admin));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
