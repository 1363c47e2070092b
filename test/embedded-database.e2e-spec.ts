import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getConnectionToken } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedDatabase } from '../src/dev/embedded/embedded-database.js';
import { summaryOf } from '../src/orders/order-summaries.service.js';
import { bearer, registerCustomer } from './support/auth.js';
import { compiledSources, isAlive, spawnNode, waitForExit } from './support/child-process.js';
import { ADDRESS } from './support/orders.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** FerretDB's table for a collection, from its metadata table in the database's schema. */
async function tableOf(client: pg.Client, database: string, collection: string): Promise<string> {
  const res = await client.query<{ table: string }>(
    `SELECT _jsonb->>'table' AS table FROM ${pg.escapeIdentifier(database)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
    [collection],
  );
  if (!res.rows[0]) throw new Error(`no FerretDB table for ${database}.${collection}`);
  return res.rows[0].table;
}

async function indexesOf(
  client: pg.Client,
  schema: string,
  table: string,
): Promise<Array<{ name: string; method: string; columns: string; options: string }>> {
  const res = await client.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
    [schema, table],
  );
  return res.rows.map((r) => {
    const m = /USING (\w+) \((.*?)\)(?: WITH \((.*)\))?$/.exec(r.indexdef)!;
    return {
      name: r.indexname,
      method: m[1],
      columns: m[2].replace(/\s+DESC/g, '').replace(/ jsonb_path_ops/g, ''),
      options: m[3] ?? '',
    };
  });
}

describe('GIN twins of the indexes the schemas declare', () => {
  let t: TestApp;
  let client: pg.Client;

  beforeAll(async () => {
    t = await createTestApp();
    client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await t.close();
  });

  it('gives the leading key of every btree index FerretDB made for the orders collection a GIN index', async () => {
    const model = t.app.get<mongoose.Connection>(getConnectionToken()).model('Order');
    await model.init(); // the app builds its indexes in the background at boot
    const table = await tableOf(client, t.databaseName, 'orders');
    const indexes = await indexesOf(client, t.databaseName, table);
    const btrees = indexes.filter((i) => i.method === 'btree');
    const gins = indexes.filter((i) => i.method === 'gin');
    const declared = model.schema.indexes();
    // _id, plus one per index the schema declares (unique fields included).
    expect(btrees.length).toBeGreaterThanOrEqual(declared.length + 1);
    const leadingKeys = new Set(btrees.map((b) => b.columns.split(', ')[0]));
    expect(gins.map((g) => g.columns).sort()).toEqual([...leadingKeys].sort());
    // No pending list: with one, every lookup also scans the entries not yet merged, which
    // after a bulk of writes made an `_id` lookup cost ~0.85 ms instead of ~0.15 ms.
    expect(gins.map((g) => g.options)).toEqual(gins.map(() => 'fastupdate=off'));
  });

  it('re-creates the twins when a collection is dropped and its indexes are made again', async () => {
    const model = t.app.get<mongoose.Connection>(getConnectionToken()).model('Order');
    await t.db.collection('orders').drop();
    await model.createIndexes();
    const table = await tableOf(client, t.databaseName, 'orders');
    const indexes = await indexesOf(client, t.databaseName, table);
    const btrees = indexes.filter((i) => i.method === 'btree');
    expect(btrees.length).toBeGreaterThanOrEqual(3);
    const leadingKeys = new Set(btrees.map((b) => b.columns.split(', ')[0]));
    expect(indexes.filter((i) => i.method === 'gin').length).toBe(leadingKeys.size);
  });

  it('drops a twin with its index', async () => {
    await t.db.collection('scratch').createIndex({ flavour: 1 }, { name: 'flavour_1' });
    const table = await tableOf(client, t.databaseName, 'scratch');
    expect((await indexesOf(client, t.databaseName, table)).map((i) => i.method).sort()).toEqual([
      'btree',
      'btree',
      'gin',
      'gin',
    ]);
    await t.db.collection('scratch').dropIndex('flavour_1');
    expect((await indexesOf(client, t.databaseName, table)).map((i) => i.method).sort()).toEqual([
      'btree',
      'gin',
    ]);
  });

  it("picks a customer's order page through the GIN index (PostgreSQL's plan and its index counters)", async () => {
    const customer = await registerCustomer(t);
    const me = new mongoose.Types.ObjectId(customer.user.id);
    const others = Array.from({ length: 40 }, () => new mongoose.Types.ObjectId());
    const now = Date.now();
    const docs = Array.from({ length: 2_000 }, (_, i) => ({
      _id: new mongoose.Types.ObjectId(),
      orderNumber: `DKT-EXPLAIN-${i}`,
      user: i % 50 === 0 ? me : others[i % others.length],
      customerEmail: 'x@example.in',
      items: [
        {
          product: new mongoose.Types.ObjectId(),
          sku: 'RING-1',
          name: 'Ring',
          unitPricePaise: 100,
          quantity: 1,
          lineTotalPaise: 100,
        },
      ],
      subtotalPaise: 100,
      shippingFeePaise: 0,
      totalPaise: 100,
      currency: 'INR',
      shippingAddress: ADDRESS,
      status: 'pending',
      statusHistory: [],
      createdAt: new Date(now - i * 60_000),
      updatedAt: new Date(now - i * 60_000),
    }));
    await t.db.collection('orders').insertMany(docs);
    // A list picks its page on the order summaries: that is the query to check.
    await t.db.collection('order_summaries').insertMany(docs.map((d) => summaryOf(d as never)));
    const table = await tableOf(client, t.databaseName, 'order_summaries');
    const qualified = `${pg.escapeIdentifier(t.databaseName)}.${pg.escapeIdentifier(table)}`;
    await client.query(`ANALYZE ${qualified}`);

    // FerretDB's own statement shape: key and value are both parameters. Run it enough times
    // that PostgreSQL would switch to a generic plan if plan_cache_mode allowed it.
    const { rows } = await client.query<{ user: unknown }>(
      `SELECT _jsonb->'user' AS user FROM ${qualified} WHERE _jsonb->'orderNumber' @> '"DKT-EXPLAIN-0"'`,
    );
    await client.query(
      `PREPARE by_key(text, jsonb) AS SELECT _jsonb FROM ${qualified} WHERE _jsonb->$1 @> $2`,
    );
    for (let i = 0; i < 8; i++) {
      await client.query(`EXECUTE by_key('user', '${JSON.stringify(rows[0].user)}')`);
    }
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN EXECUTE by_key('user', '${JSON.stringify(rows[0].user)}')`,
    );
    await client.query('DEALLOCATE by_key');
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Bitmap Index Scan on g_\S+/);
    expect(text).not.toMatch(/Seq Scan/);

    const scans = async () => {
      const res = await client.query<{ n: string }>(
        `SELECT COALESCE(SUM(idx_scan), 0) AS n FROM pg_stat_user_indexes
          WHERE schemaname = $1 AND relname = $2 AND indexrelid = (
                SELECT indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relname LIKE 'g\\_%' AND pg_get_indexdef(i.indexrelid, 1, true) LIKE '%''user''%'
                   AND i.indrelid = $3::regclass)`,
        [
          t.databaseName,
          table,
          `${pg.escapeIdentifier(t.databaseName)}.${pg.escapeIdentifier(table)}`,
        ],
      );
      return Number(res.rows[0].n);
    };
    const before = await scans();
    const res = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    // The page's shape is the orders API's business; this test only needs it to be non-empty.
    const body = res.body as { data: unknown[] | { items: unknown[] } };
    const list = Array.isArray(body.data) ? body.data : body.data.items;
    expect(list.length).toBeGreaterThan(0);
    // Index statistics reach the view asynchronously (at transaction end, per backend).
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await scans();
    }
    expect(after).toBeGreaterThan(before);
  });
});

describe('embedded database processes', () => {
  it('stop when the node process that started them is killed with SIGKILL', async () => {
    const sources = await compiledSources();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-orphan-'));
    const launcher = pathToFileURL(path.join(sources, 'dev/embedded/embedded-database.js')).href;
    const script = `
      const { EmbeddedDatabase } = await import(${JSON.stringify(launcher)});
      const db = await EmbeddedDatabase.start({ dataDir: ${JSON.stringify(dataDir)}, durable: false });
      console.log('PIDS ' + JSON.stringify([db.postgres.supervisorPid, db.postgres.postmasterPid(), db.ferretdb.pid]));
      setInterval(() => undefined, 60_000);
    `;
    const parent = spawnNode(['--input-type=module', '-e', script]);
    try {
      const [, json] = await parent.waitForLine(/^PIDS (.*)$/);
      const pids = JSON.parse(json) as number[];
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(isAlive(pid)).toBe(true);

      parent.child.kill('SIGKILL');
      await parent.exited;
      expect(await waitForExit(pids)).toEqual([]);
    } finally {
      parent.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stop on stop() and start again on the same data, keeping it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-restart-'));
    try {
      let db = await EmbeddedDatabase.start({ dataDir, durable: false });
      const pids = [db.postgres.supervisorPid!, db.postgres.postmasterPid()!, db.ferretdb.pid!];
      let mongo = new mongoose.mongo.MongoClient(db.uriFor('keep'));
      await mongo.connect();
      await mongo.db('keep').collection('orders').insertOne({ orderNumber: 'DKT-KEPT' });
      await mongo.close();
      await db.stop();
      expect(await waitForExit(pids)).toEqual([]);

      db = await EmbeddedDatabase.start({ dataDir, durable: false });
      mongo = new mongoose.mongo.MongoClient(db.uriFor('keep'));
      await mongo.connect();
      const kept = await mongo.db('keep').collection('orders').findOne({ orderNumber: 'DKT-KEPT' });
      await mongo.close();
      await db.stop();
      expect(kept).not.toBeNull();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL restarted under a running service', () => {
  let dataDir: string;
  let db: EmbeddedDatabase;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'docket-pg-restart-'));
    db = await EmbeddedDatabase.start({ dataDir, durable: false });
    t = await createTestApp({ mongoBaseUri: db.uri });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 in the error envelope while PostgreSQL is down, then serves again without a restart', async () => {
    const customer = await registerCustomer(t);
    await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);

    let down: { status: number; body: unknown } | undefined;
    await db.restartPostgres(async () => {
      down = await t.http().get('/api/orders/my').set(bearer(customer));
    });
    expect(down?.status).toBe(503);
    expect(down?.body).toMatchObject({
      success: false,
      error: { code: 'DATABASE_UNAVAILABLE' },
    });

    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await t.http().get('/api/orders/my').set(bearer(customer))).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
