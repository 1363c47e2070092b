import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

export interface TestUser {
  token: string;
  user: { id: string; email: string; firstName: string; lastName: string; role: string };
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}@example.in`;
}

/** Registers a customer over HTTP and returns its token. */
export async function registerCustomer(
  t: Pick<TestApp, 'http'>,
  overrides: Partial<{
    email: string;
    password: string;
    firstName: string;
    lastName: string;
    phone: string;
  }> = {},
): Promise<TestUser> {
  const body = {
    email: uniqueEmail(),
    password: TEST_PASSWORD,
    firstName: 'Asha',
    lastName: 'Rao',
    ...overrides,
  };
  const res = await t.http().post('/api/auth/register').send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { token: res.body.data.accessToken, user: res.body.data.user, password: body.password };
}

/**
 * An admin: registered as a customer, then promoted in the database (nobody can register as
 * admin). The same token works at once because the role is read on every request.
 */
export async function createAdmin(t: Pick<TestApp, 'http' | 'db'>): Promise<TestUser> {
  const admin = await registerCustomer(t, {
    email: uniqueEmail('admin'),
    firstName: 'Ada',
    lastName: 'Admin',
  });
  const { ObjectId } = await import('mongoose').then((m) => m.default.mongo);
  await t.db
    .collection('users')
    .updateOne({ _id: new ObjectId(admin.user.id) }, { $set: { role: 'admin' } });
  return { ...admin, user: { ...admin.user, role: 'admin' } };
}

export function bearer(user: TestUser): Record<string, string> {
  return { authorization: `Bearer ${user.token}` };
}
