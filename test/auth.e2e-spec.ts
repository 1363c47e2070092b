import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../src/auth/auth.service.js';
import {
  bearer,
  createAdmin,
  registerCustomer,
  TEST_PASSWORD,
  TestUser,
  uniqueEmail,
} from './support/auth.js';
import { BASE_TEST_ENV, createTestApp, TestApp } from './support/test-app.js';

describe('registration and login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers a customer with a trimmed, lower-cased email and returns a token but never the hash', async () => {
    const email = uniqueEmail('Mixed.Case');
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({
        email: `  ${email.toUpperCase()} `,
        password: TEST_PASSWORD,
        firstName: 'Asha',
        lastName: 'Rao',
      })
      .expect(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data.user).toMatchObject({
      email: email.toLowerCase(),
      role: 'customer',
      phone: null,
    });
    expect(res.body.data.accessToken).toEqual(expect.any(String));
    expect(res.body.data.expiresIn).toBe(3600);
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    const stored = await t.db.collection('users').findOne({ email: email.toLowerCase() });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('rejects a duplicate email with 409', async () => {
    const first = await registerCustomer(t);
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({
        email: first.user.email.toUpperCase(),
        password: TEST_PASSWORD,
        firstName: 'B',
        lastName: 'C',
      })
      .expect(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('does not let anyone register as admin (role is an unknown field)', async () => {
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({
        email: uniqueEmail(),
        password: TEST_PASSWORD,
        firstName: 'A',
        lastName: 'B',
        role: 'admin',
      })
      .expect(400);
    expect(res.body.error.details).toEqual([
      { field: 'role', messages: ['property role should not exist'] },
    ]);
  });

  it('names each bad field: short password, bad email, bad phone', async () => {
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({
        email: 'not-an-email',
        password: 'short',
        firstName: 'A',
        lastName: 'B',
        phone: '12345',
      })
      .expect(400);
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'password', 'phone']);
  });

  it('rejects a password longer than 128 characters', async () => {
    await t
      .http()
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: 'x'.repeat(129), firstName: 'A', lastName: 'B' })
      .expect(400);
  });

  it('logs in with the right password', async () => {
    const user = await registerCustomer(t);
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.user.email, password: TEST_PASSWORD })
      .expect(200);
    expect(res.body.data).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    const me = await t
      .http()
      .get('/api/users/me')
      .set('authorization', `Bearer ${res.body.data.accessToken}`);
    expect(me.body.data.id).toBe(user.user.id);
  });

  it('answers a wrong password and an unknown email with the same 401 and message', async () => {
    const user = await registerCustomer(t);
    const wrongPassword = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.user.email, password: 'not the password' })
      .expect(401);
    const unknownEmail = await t
      .http()
      .post('/api/auth/login')
      .send({ email: uniqueEmail('nobody'), password: 'not the password' })
      .expect(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Email or password is incorrect',
    });
  });

  it('rejects operator injection in the login body with 400', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: { $ne: null }, password: { $ne: null } })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('tokens and roles', () => {
  let t: TestApp;
  let customer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    customer = await registerCustomer(t, { firstName: 'Meera', lastName: 'Iyer' });
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('rejects a missing token with 401', async () => {
    const res = await t.http().get('/api/users/me').expect(401);
    expect(res.body.error.message).toMatch(/Missing bearer token/);
  });

  it('rejects a malformed token with 401', async () => {
    await t.http().get('/api/users/me').set('authorization', 'Bearer not.a.jwt').expect(401);
  });

  it('rejects a token signed with another secret with 401', async () => {
    const forged = jwt.sign({ sub: customer.user.id }, 'an-attacker-secret-of-at-least-32-chars!!');
    await t.http().get('/api/users/me').set('authorization', `Bearer ${forged}`).expect(401);
  });

  it('rejects an expired token with 401 saying so', async () => {
    const expired = jwt.sign(
      { sub: customer.user.id, exp: Math.floor(Date.now() / 1000) - 10 },
      BASE_TEST_ENV.JWT_SECRET,
      { issuer: 'docket', audience: 'docket-api' },
    );
    const res = await t
      .http()
      .get('/api/users/me')
      .set('authorization', `Bearer ${expired}`)
      .expect(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('accepts its own token, which carries iss and aud', async () => {
    const claims = jwt.decode(customer.token) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: customer.user.id, iss: 'docket', aud: 'docket-api' });
    await t.http().get('/api/users/me').set(bearer(customer)).expect(200);
  });

  it('rejects a correctly signed token without iss and aud, or for another audience or issuer', async () => {
    const sign = (options: jwt.SignOptions) =>
      jwt.sign({ sub: customer.user.id }, BASE_TEST_ENV.JWT_SECRET, {
        expiresIn: 600,
        ...options,
      });
    for (const token of [
      sign({}),
      sign({ issuer: 'docket', audience: 'another-api' }),
      sign({ issuer: 'someone-else', audience: 'docket-api' }),
    ]) {
      const res = await t
        .http()
        .get('/api/users/me')
        .set('authorization', `Bearer ${token}`)
        .expect(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('rejects a correctly signed token issued longer ago than the configured lifetime, whatever its exp', async () => {
    const backdated = jwt.sign(
      { sub: customer.user.id, iat: Math.floor(Date.now() / 1000) - 2 * 3600 },
      BASE_TEST_ENV.JWT_SECRET,
      { issuer: 'docket', audience: 'docket-api', expiresIn: '30d' },
    );
    await t.http().get('/api/users/me').set('authorization', `Bearer ${backdated}`).expect(401);
  });

  it('rejects an unsigned (alg none) token with 401', async () => {
    const none = jwt.sign({ sub: admin.user.id }, '', { algorithm: 'none' });
    await t.http().get('/api/users/me').set('authorization', `Bearer ${none}`).expect(401);
  });

  it('returns and updates the caller profile, names and phone only', async () => {
    const me = await t.http().get('/api/users/me').set(bearer(customer)).expect(200);
    expect(me.body.data).toMatchObject({ firstName: 'Meera', email: customer.user.email });
    const patched = await t
      .http()
      .patch('/api/users/me')
      .set(bearer(customer))
      .send({ firstName: 'Meera K', phone: '9876543210' })
      .expect(200);
    expect(patched.body.data).toMatchObject({
      firstName: 'Meera K',
      phone: '9876543210',
      lastName: 'Iyer',
    });
    await t
      .http()
      .patch('/api/users/me')
      .set(bearer(customer))
      .send({ email: 'x@example.in' })
      .expect(400);
    await t.http().patch('/api/users/me').set(bearer(customer)).send({ role: 'admin' }).expect(400);
  });

  it('gives a customer 403 on admin routes', async () => {
    const res = await t.http().get('/api/users').set(bearer(customer)).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('lets an admin list users with pagination and search', async () => {
    const res = await t
      .http()
      .get('/api/users')
      .query({ search: 'meera', limit: 5 })
      .set(bearer(admin))
      .expect(200);
    expect(res.body.meta.total).toBe(1);
    expect(res.body.data[0].email).toBe(customer.user.email);
    expect(res.body.meta).toMatchObject({ page: 1, limit: 5, pages: 1 });
    const page = await t
      .http()
      .get('/api/users')
      .query({ limit: 1, page: 2 })
      .set(bearer(admin))
      .expect(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.meta.total).toBe(2);
    await t.http().get('/api/users').query({ limit: 1000 }).set(bearer(admin)).expect(400);
  });

  it('applies a role change on the next request with the same token', async () => {
    const other = await registerCustomer(t);
    await t.http().get('/api/users').set(bearer(other)).expect(403);
    await t
      .http()
      .patch(`/api/users/${other.user.id}/role`)
      .set(bearer(admin))
      .send({ role: 'admin' })
      .expect(200);
    await t.http().get('/api/users').set(bearer(other)).expect(200);
    await t
      .http()
      .patch(`/api/users/${other.user.id}/role`)
      .set(bearer(admin))
      .send({ role: 'customer' })
      .expect(200);
    await t.http().get('/api/users').set(bearer(other)).expect(403);
  });

  it('rejects an unknown role and an unknown user on role change', async () => {
    await t
      .http()
      .patch(`/api/users/${customer.user.id}/role`)
      .set(bearer(admin))
      .send({ role: 'owner' })
      .expect(400);
    await t
      .http()
      .patch('/api/users/665f1c2e8b3e4a0012345678/role')
      .set(bearer(admin))
      .send({ role: 'admin' })
      .expect(404);
  });

  it("rejects a deleted user's token", async () => {
    const doomed = await registerCustomer(t);
    await t.http().get('/api/users/me').set(bearer(doomed)).expect(200);
    await t.http().delete(`/api/users/${doomed.user.id}`).set(bearer(admin)).expect(200);
    const res = await t.http().get('/api/users/me').set(bearer(doomed)).expect(401);
    expect(res.body.error.message).toMatch(/no longer exists/);
  });
});

describe('rate limiting of register and login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the attempt past the limit with 429 and Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .post('/api/auth/login')
        .send({ email: uniqueEmail(), password: 'whatever1' })
        .expect(401);
    }
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: uniqueEmail(), password: 'whatever1' })
      .expect(429);
    expect(res.body.error).toEqual({
      code: 'RATE_LIMITED',
      message: 'Too many requests; retry after the Retry-After header',
    });
    // Nothing about the framework: no class names.
    expect(JSON.stringify(res.body)).not.toMatch(/Throttler|Exception/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Other routes are not limited.
    await t.http().get('/api/health').expect(200);
  });
});

describe('first admin from configuration', () => {
  it('is created at boot and a second boot does not duplicate or overwrite it', async () => {
    const email = uniqueEmail('boot.admin');
    const env = { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'first-admin-password' };
    const first = await createTestApp({ env });
    try {
      const login = await first
        .http()
        .post('/api/auth/login')
        .send({ email, password: 'first-admin-password' })
        .expect(200);
      const users = await first
        .http()
        .get('/api/users')
        .set('authorization', `Bearer ${login.body.data.accessToken}`)
        .expect(200);
      const emails = (users.body.data as Array<{ email: string }>).map((u) => u.email);
      expect(emails).toContain(email);
      // Re-running the bootstrap (as a restart does) is a no-op.
      await first.app.get(AuthService).onApplicationBootstrap();
      expect(await first.db.collection('users').countDocuments({ email })).toBe(1);
    } finally {
      delete process.env.ADMIN_EMAIL;
      delete process.env.ADMIN_PASSWORD;
      await first.close();
    }
  });
});
