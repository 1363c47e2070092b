import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedOpenApiDocument, type Operation, operationsOf } from './support/openapi.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** Routes open to anonymous callers, on purpose. Anything else must answer 401. */
const PUBLIC_ROUTES = [
  'GET /api/health',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'GET /api/products',
  'GET /api/products/{id}',
  'GET /api/delivery-estimate',
  // Public tracking: a shopper's lookup (order number + email) and signed links.
  'GET /api/track/{ref}',
  'GET /api/track/t/{token}',
  'GET /api/track/t/{token}/events',
];

const key = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

/** A concrete URL for a documented path: every parameter gets a well-formed value. */
function urlFor(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) =>
    /docket/i.test(name) ? '0000000001' : '0123456789abcdef01234567',
  );
}

/**
 * Routes are private unless declared public: every operation in the OpenAPI document is
 * called anonymously. A route that requires a token must say so in the document (bearer
 * security) and answer 401; the few public ones are listed above and must not.
 */
describe('route privacy', () => {
  let t: TestApp;
  let operations: Operation[];

  beforeAll(async () => {
    operations = operationsOf(await generatedOpenApiDocument());
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('documents bearer security on every route except the declared public ones', () => {
    expect(operations.length).toBeGreaterThan(20);
    const undocumented = operations.filter((op) => !op.security?.length).map(key);
    expect(undocumented.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers 401 in the error envelope to an anonymous call of every private route', async () => {
    const open: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC_ROUTES.includes(key(o)))) {
      const res = await t
        .http()
        [op.method as 'get' | 'post' | 'patch' | 'put' | 'delete'](urlFor(op.path))
        .send({});
      if (res.status !== 401 || res.body?.success !== false || !res.body?.error?.code) {
        open.push(`${key(op)} → ${res.status}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('lets an anonymous caller through on the public routes', async () => {
    for (const route of PUBLIC_ROUTES) {
      const [method, path] = route.split(' ');
      const res = await t.http()[method.toLowerCase() as 'get' | 'post'](urlFor(path)).send({});
      expect(res.status, route).not.toBe(401);
    }
  });
});
