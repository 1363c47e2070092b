import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { createTestApp, TestApp } from './support/test-app.js';

const { ObjectId } = mongoose.mongo;

function idsOf(body: unknown): string[] {
  return (body as { data: { id: string }[] }).data.map((p) => p.id);
}

function uniqueSku(prefix = 'SKU'): string {
  return `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

describe('products', () => {
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;

  async function createProduct(overrides: Record<string, unknown> = {}) {
    const res = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: uniqueSku(),
        name: 'Temple Jhumka Earrings',
        description: 'Gold-plated silver',
        pricePaise: 689_900,
        stock: 5,
        ...overrides,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as { id: string; sku: string; stock: number; name: string };
  }

  async function storedStock(id: string): Promise<number | undefined> {
    const doc = await t.db.collection('products').findOne({ _id: new ObjectId(id) });
    return doc?.stock as number | undefined;
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT: '1000' } });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('admin create', () => {
    it('creates a product with an upper-cased SKU and stores it', async () => {
      const sku = uniqueSku('ring');
      const res = await t
        .http()
        .post('/api/products')
        .set(bearer(admin))
        .send({
          sku: ` ${sku.toLowerCase()} `,
          name: ' Solitaire Ring ',
          pricePaise: 4_850_000,
          stock: 3,
        })
        .expect(201);
      expect(res.body.data).toMatchObject({
        sku: sku.toUpperCase(),
        name: 'Solitaire Ring',
        description: '',
        pricePaise: 4_850_000,
        stock: 3,
        active: true,
      });
      const stored = await t.db.collection('products').findOne({ sku: sku.toUpperCase() });
      expect(stored?.pricePaise).toBe(4_850_000);
    });

    it('refuses a second product with the same SKU with 409', async () => {
      const product = await createProduct();
      const res = await t
        .http()
        .post('/api/products')
        .set(bearer(admin))
        .send({ sku: product.sku.toLowerCase(), name: 'Copy', pricePaise: 100, stock: 1 })
        .expect(409);
      expect(res.body.error.code).toBe('SKU_TAKEN');
      expect(res.body.error.message).toContain(product.sku);
    });

    it('names every bad field in the 400: fractional price, negative stock, malformed SKU', async () => {
      const res = await t
        .http()
        .post('/api/products')
        .set(bearer(admin))
        .send({ sku: '-bad sku', name: '', pricePaise: 10.5, stock: -1 })
        .expect(400);
      const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
      expect(fields).toEqual(['name', 'pricePaise', 'sku', 'stock']);
    });

    it('refuses a zero price', async () => {
      const res = await t
        .http()
        .post('/api/products')
        .set(bearer(admin))
        .send({ sku: uniqueSku(), name: 'Free', pricePaise: 0, stock: 1 })
        .expect(400);
      expect(res.body.error.details[0].field).toBe('pricePaise');
    });

    it('is for admins only: 401 without a token, 403 for a customer', async () => {
      const body = { sku: uniqueSku(), name: 'X', pricePaise: 100, stock: 1 };
      await t.http().post('/api/products').send(body).expect(401);
      await t.http().post('/api/products').set(bearer(customer)).send(body).expect(403);
    });
  });

  describe('public catalogue', () => {
    let tag: string;
    let activeIds: string[];
    let inactiveId: string;

    beforeAll(async () => {
      tag = randomBytes(3).toString('hex');
      const products = [];
      for (let i = 0; i < 3; i++) {
        products.push(
          await createProduct({ name: `Kundan Choker ${tag} ${i}`, sku: uniqueSku(`K${tag}`) }),
        );
      }
      activeIds = products.map((p) => p.id);
      const hidden = await createProduct({ name: `Kundan Choker ${tag} hidden` });
      await t.http().post(`/api/products/${hidden.id}/deactivate`).set(bearer(admin)).expect(200);
      inactiveId = hidden.id;
    });

    it('lists only active products, by name, paginated, without a token', async () => {
      const res = await t.http().get(`/api/products?search=${tag}&limit=2`).expect(200);
      expect(res.body.meta).toEqual({ page: 1, limit: 2, total: 3, pages: 2 });
      expect(idsOf(res.body)).toEqual(activeIds.slice(0, 2));
      const page2 = await t.http().get(`/api/products?search=${tag}&limit=2&page=2`).expect(200);
      expect(idsOf(page2.body)).toEqual([activeIds[2]]);
    });

    it('searches by SKU, case-insensitively', async () => {
      const res = await t.http().get(`/api/products?search=k${tag}`).expect(200);
      expect(res.body.meta.total).toBe(3);
    });

    it('treats search text literally, not as a regular expression', async () => {
      const res = await t.http().get('/api/products?search=.*').expect(200);
      expect(res.body.meta.total).toBe(0);
    });

    it('returns one active product by id', async () => {
      const res = await t.http().get(`/api/products/${activeIds[0]}`).expect(200);
      expect(res.body.data.id).toBe(activeIds[0]);
    });

    it('answers 404 for an inactive, unknown or malformed product id, naming it', async () => {
      await t.http().get(`/api/products/${inactiveId}`).expect(404);
      const unknown = new ObjectId().toHexString();
      const res = await t.http().get(`/api/products/${unknown}`).expect(404);
      expect(res.body.error).toMatchObject({
        code: 'PRODUCT_NOT_FOUND',
        message: `Product ${unknown} not found`,
      });
      await t.http().get('/api/products/not-an-id').expect(404);
    });

    it('rejects a page size over 100', async () => {
      await t.http().get('/api/products?limit=101').expect(400);
    });

    it('lets an admin list inactive products too, and filter by active', async () => {
      const all = await t
        .http()
        .get(`/api/products/admin?search=${tag}`)
        .set(bearer(admin))
        .expect(200);
      expect(all.body.meta.total).toBe(4);
      const inactive = await t
        .http()
        .get(`/api/products/admin?search=${tag}&active=false`)
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(inactive.body)).toEqual([inactiveId]);
      await t.http().get('/api/products/admin').set(bearer(customer)).expect(403);
      await t.http().get('/api/products/admin').expect(401);
    });
  });

  describe('admin update, stock and deactivate', () => {
    it('updates name, description and price', async () => {
      const product = await createProduct();
      const res = await t
        .http()
        .patch(`/api/products/${product.id}`)
        .set(bearer(admin))
        .send({ name: 'Polki Maang Tikka', pricePaise: 899_900 })
        .expect(200);
      expect(res.body.data).toMatchObject({
        name: 'Polki Maang Tikka',
        pricePaise: 899_900,
        sku: product.sku,
      });
    });

    it('refuses to change SKU or stock through PATCH', async () => {
      const product = await createProduct();
      const res = await t
        .http()
        .patch(`/api/products/${product.id}`)
        .set(bearer(admin))
        .send({ sku: 'NEW-SKU', stock: 100 })
        .expect(400);
      const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
      expect(fields).toEqual(['sku', 'stock']);
      expect(await storedStock(product.id)).toBe(5);
    });

    it('answers 404 when updating an unknown product', async () => {
      await t
        .http()
        .patch(`/api/products/${new ObjectId().toHexString()}`)
        .set(bearer(admin))
        .send({ name: 'X' })
        .expect(404);
    });

    it('adds and removes stock atomically and refuses to go below zero', async () => {
      const product = await createProduct({ stock: 2 });
      const up = await t
        .http()
        .post(`/api/products/${product.id}/stock`)
        .set(bearer(admin))
        .send({ delta: 10 })
        .expect(200);
      expect(up.body.data.stock).toBe(12);
      const down = await t
        .http()
        .post(`/api/products/${product.id}/stock`)
        .set(bearer(admin))
        .send({ delta: -13 })
        .expect(409);
      expect(down.body.error.code).toBe('INSUFFICIENT_STOCK');
      expect(down.body.error.message).toContain(product.sku);
      expect(await storedStock(product.id)).toBe(12);
      await t
        .http()
        .post(`/api/products/${product.id}/stock`)
        .set(bearer(admin))
        .send({ delta: 0 })
        .expect(400);
    });

    it('keeps concurrent stock adjustments: 10 parallel +1s add 10', async () => {
      const product = await createProduct({ stock: 0 });
      await Promise.all(
        Array.from({ length: 10 }, () =>
          t
            .http()
            .post(`/api/products/${product.id}/stock`)
            .set(bearer(admin))
            .send({ delta: 1 })
            .expect(200),
        ),
      );
      expect(await storedStock(product.id)).toBe(10);
    });

    it('deactivates and reactivates a product', async () => {
      const product = await createProduct();
      const off = await t
        .http()
        .post(`/api/products/${product.id}/deactivate`)
        .set(bearer(admin))
        .expect(200);
      expect(off.body.data.active).toBe(false);
      await t.http().get(`/api/products/${product.id}`).expect(404);
      await t.http().post(`/api/products/${product.id}/activate`).set(bearer(admin)).expect(200);
      await t.http().get(`/api/products/${product.id}`).expect(200);
      await t
        .http()
        .post(`/api/products/${product.id}/deactivate`)
        .set(bearer(customer))
        .expect(403);
    });
  });
});
