/**
 * Creates an admin account: `npm run user:create-admin -- --email a@b.in --password '...'`
 * [--first-name Ada] [--last-name Admin]. Idempotent: an existing admin is left as it is; an
 * existing customer with that email is promoted. Uses MONGODB_URI (with the rest of the
 * production settings), or the embedded demo's data folder when nothing is configured (stop the
 * running dev server first: one process per data folder).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { AuthService } from '../auth/auth.service.js';
import { markSelfStarted, wantsEmbeddedDemo } from '../config/deployment-mode.js';
import { Role } from '../users/role.enum.js';
import { UsersService } from '../users/users.service.js';
import { errorMessage } from '../common/errors/error-message.js';

const USAGE =
  'usage: npm run user:create-admin -- --email <email> --password <8-128 chars> [--first-name <name>] [--last-name <name>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string', default: 'Admin' },
      'last-name': { type: 'string', default: 'Docket' },
    },
  });
  const email = values.email?.trim().toLowerCase();
  const password = values.password;
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    fail(`--email is missing or invalid\n${USAGE}`);
  if (!password || password.length < 8 || password.length > 128)
    fail(`--password must be 8-128 characters\n${USAGE}`);

  // Only the database is needed: no demo data, no schedules, no courier.
  Object.assign(process.env, { DEMO_DATA: 'false', TRACKING_SYNC_ENABLED: 'false' });
  let embedded: { stop(): Promise<void> } | undefined;
  if (wantsEmbeddedDemo()) {
    // The embedded demo's database; a dev-only module, so loaded only here.
    const { EmbeddedDatabase } = await import('../dev/embedded/embedded-database.js');
    const { embeddedDbDir } = await import('../dev/embedded/embedded-dependencies.js');
    const db = await EmbeddedDatabase.start({ dataDir: embeddedDbDir() });
    embedded = db;
    process.env.MONGODB_URI = db.uriFor('docket');
    markSelfStarted('database');
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const users = app.get(UsersService);
    const created = await app.get(AuthService).ensureAdmin({
      email,
      password,
      firstName: values['first-name'] ?? 'Admin',
      lastName: values['last-name'] ?? 'Docket',
    });
    if (created) {
      console.log(`Created admin ${email}`);
    } else {
      const existing = await users.findCredentialsByEmail(email);
      if (existing && existing.role !== Role.Admin) {
        await users.setRole(existing.id, Role.Admin);
        console.log(
          `${email} already existed as a ${existing.role}; promoted to admin (password unchanged)`,
        );
      } else {
        console.log(`Admin ${email} already exists; nothing changed`);
      }
    }
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(`create-admin failed: ${errorMessage(error)}`);
  process.exit(1);
});
